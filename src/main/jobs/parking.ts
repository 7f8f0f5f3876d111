/** Jobs whose next poll or download waits for the gate to let polls through again. */
export interface Parking {
  park(id: string): void;
  /** Everything parked, emptied: the caller schedules each. */
  takeAll(): string[];
  size(): number;
  forget(id: string): void;
}

export function createParking(): Parking {
  const parked = new Set<string>();
  return {
    park: (id) => void parked.add(id),
    takeAll() {
      const ids = [...parked];
      parked.clear();
      return ids;
    },
    size: () => parked.size,
    forget: (id) => void parked.delete(id),
  };
}
