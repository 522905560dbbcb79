import { describeNavigation, groups } from './navigation.ts';

describeNavigation(groups.operationalLeads);
