import { describeNavigation, groups } from './navigation.ts';

describeNavigation(groups.partners);
