import type { ModuleManifest } from '../../platform/modules.ts';
import { seedPatientRecordDemo } from './demo.ts';
import { patientRecordRoutes, patientRecordSection } from './routes.ts';

/** The case's marker for the patient record, the handover summary and the FHIR flag. */
export const patientRecordModule: ModuleManifest = {
  name: 'patient-record',
  routes: [patientRecordRoutes],
  caseSection: patientRecordSection,
  demoSeed: seedPatientRecordDemo,
};
