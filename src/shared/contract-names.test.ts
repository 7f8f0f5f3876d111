import { describe, expect, it } from 'vitest';
import { events, methods } from './contract.ts';
import { eventNames, methodNames } from './contract-names.ts';

describe('contract names for the preload', () => {
  it('list exactly the contract methods and events', () => {
    expect([...methodNames].sort()).toEqual(Object.keys(methods).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
  });
});
