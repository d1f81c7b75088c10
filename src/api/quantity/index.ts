/**
 * Entry point of resource quantities and resource lists: parsing, comparison, arithmetic,
 * canonical printing. Re-exports only; no logic lives here.
 */
export {
  add,
  canonical,
  compare,
  formatQuantity,
  isQuantity,
  milliValue,
  milliValueOf,
  parseQuantity,
  type Quantity,
  type QuantityFormat,
  quantityOf,
  unitValueOf,
  value,
  zero,
} from './quantity.js';
export {
  addLists,
  fromResourceList,
  prettyList,
  type ResourceList,
  sortedEntries,
  toResourceList,
} from './resource-list.js';
