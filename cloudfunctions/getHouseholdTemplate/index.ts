// getHouseholdTemplate: the household register's import template (.xlsx) in cloud storage.
import { defineFunction } from '../../backend/src/handler';
import { getHouseholdTemplate } from '../../backend/src/register/template';

export const main = defineFunction('getHouseholdTemplate', getHouseholdTemplate);
