import type { EventName, MethodName } from './contract.ts';

/**
 * The contract's names without its schemas, for the preload: a sandboxed preload is bundled whole,
 * and the names are all it needs to refuse a channel the contract does not list. The compiler checks
 * that every name exists; contract-names.test.ts checks that none is missing.
 */
export const methodNames = [
  'app:info',
  'settings:get',
  'settings:update',
  'key:status',
  'key:set',
  'key:clear',
  'key:test',
  'jobs:create',
  'jobs:list',
  'jobs:cancel',
  'jobs:retry',
  'jobs:remove',
  'jobs:variations',
  'queue:status',
  'queue:resume',
  'library:list',
  'library:get',
  'library:setFavorite',
  'library:setRating',
  'library:tag',
  'library:untag',
  'library:trash',
  'library:restore',
  'library:emptyTrash',
  'library:importFiles',
  'library:addSource',
  'library:listCollections',
  'library:createCollection',
  'library:addToCollection',
  'library:removeFromCollection',
  'library:stats',
  'library:checkIntegrity',
  'os:revealImage',
  'os:revealDataDir',
  'os:copyImage',
  'os:startDrag',
  'os:exportImages',
  'os:backupLibrary',
  'os:restoreLibrary',
] as const satisfies readonly MethodName[];

export const eventNames = [
  'app:info',
  'settings:changed',
  'jobs:changed',
  'queue:status',
  'jobs:batchFinished',
  'library:changed',
] as const satisfies readonly EventName[];
