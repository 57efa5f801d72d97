// The register's order of doors (一户一档): by building, then unit, then room, each in natural order
// (2栋 before 10栋, 101 before 1001), so a roster and a list of unreached households read like a walk
// down the street. A missing part comes after every given one. Pure, so the roster, reach and the
// register's import sort alike.
import type { Household, Id } from './model';

/** The parts of a door, as a household stores them. */
type AddressParts = Pick<Household, 'building' | 'unit' | 'room'>;

const ADDRESS_ORDER = ['building', 'unit', 'room'] as const satisfies readonly (keyof AddressParts)[];
/** split() with a capture group puts the digit runs at odd positions. */
const DIGIT_RUNS = /(\d+)/;

/** One part in natural order: digit runs compare as numbers, the text between them as text. */
function compareAddressText(a: string, b: string): number {
  const left = a.split(DIGIT_RUNS);
  const right = b.split(DIGIT_RUNS);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    if (x === y) continue;
    // 02 and 2 are the same number: the shorter writing first, so the order stays total.
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/** Natural order by building, unit and room; 0 only for the same door. */
export function compareAddresses(a: AddressParts, b: AddressParts): number {
  for (const part of ADDRESS_ORDER) {
    const x = a[part];
    const y = b[part];
    if (x === y) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    const order = compareAddressText(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

/** A total order over households: by door, then by id (two records of one door keep a fixed order across pages). */
export function compareHouseholdsByAddress(a: AddressParts & { id: Id }, b: AddressParts & { id: Id }): number {
  return compareAddresses(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * One page of `items` in address order, starting after the household `afterId` (null: from the
 * first), and the id the next page starts after (null at the end). The position is the household's
 * place in the order, never an index, so a household added meanwhile moves no other between pages.
 * Null when `afterId` is not among the items (it was removed or moved to another grid): start again.
 */
export function pageByAddress<T extends AddressParts & { id: Id }>(
  items: readonly T[],
  afterId: Id | null,
  limit: number,
): { page: T[]; next: Id | null } | null {
  const ordered = [...items].sort(compareHouseholdsByAddress);
  const start = afterId === null ? 0 : ordered.findIndex((h) => h.id === afterId) + 1;
  if (start === 0 && afterId !== null) return null;
  const page = ordered.slice(start, start + limit);
  const last = page[page.length - 1];
  return { page, next: start + limit < ordered.length && last !== undefined ? last.id : null };
}
