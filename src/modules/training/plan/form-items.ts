import { levelNames } from '../rules.ts';
import { type TrainingLevel, trainingLevels } from '../schema.ts';
import type * as plan from './service.ts';

/* The choices the trainer and session forms offer. */

export const levelItems = (selected: unknown) => {
  const chosen = [selected].flat();
  return trainingLevels.map((level) => ({ value: level, text: levelNames[level], checked: chosen.includes(level) }));
};

export const trainerItems = (trainers: plan.Trainer[], selected: unknown) => [
  { value: '', text: 'Not chosen yet', selected: !selected },
  ...trainers.map((t) => ({
    value: t.id,
    text: `${t.name} (${t.levels.map((l: TrainingLevel) => levelNames[l]).join(', ')})`,
    selected: t.id === selected,
  })),
];
