import type { ModuleManifest } from '../../platform/modules.ts';

/**
 * The record of the annual board reports (versions, approval, board meeting, sharing), below assurance so that
 * the reporting requirement is computed from it; the reports module above draws and changes them. No pages.
 */
export const boardReportsModule: ModuleManifest = { name: 'board-reports' };
