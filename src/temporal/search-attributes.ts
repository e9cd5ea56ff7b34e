import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Search attributes that make runs findable in the Temporal UI. The dev
 * server registers them at start (`--search-attribute`); a production
 * cluster needs `temporal operator search-attribute create` once.
 */
export const FERRY_STAGE = defineSearchAttributeKey('FerryStage', 'KEYWORD');
export const FERRY_MODEL_GROUP = defineSearchAttributeKey('FerryModelGroup', 'KEYWORD');
export const FERRY_BACKEND = defineSearchAttributeKey('FerryBackend', 'KEYWORD');

export const FERRY_SEARCH_ATTRIBUTES = [FERRY_STAGE, FERRY_MODEL_GROUP, FERRY_BACKEND] as const;
