import { getMetadataStorage } from 'class-validator';

type Metadata = { propertyName: string };
interface Storage {
  getTargetValidationMetadatas(target: Function, schema: string | undefined, always: boolean, strictGroups: boolean, groups?: string[]): Metadata[];
  groupByPropertyName(metadata: Metadata[]): Record<string, Metadata[]>;
  addValidationMetadata(metadata: unknown): void;
  addConstraintMetadata(metadata: unknown): void;
  [memoized]?: true;
}

const memoized = Symbol('reelwire.memoized');

/**
 * class-validator looks a DTO's rules up again for every object it validates (the request body and each nested
 * object in it): it filters the class's own rules and scans every registered class for parents, then groups the
 * result by property, allocating all of it anew. The rules only change when a decorator registers one (at import), so
 * the answers are kept per class and options, and forgotten whenever a rule is added. class-validator reads both
 * answers without changing them; validation results are the same.
 */
export function memoizeValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Storage;
  if (storage[memoized]) return;
  storage[memoized] = true;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let byTarget = new Map<Function, Map<string, Metadata[]>>();
  let grouped = new WeakMap<Metadata[], Record<string, Metadata[]>>();
  const forget = () => {
    byTarget = new Map();
    grouped = new WeakMap();
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${String(schema)}|${always}|${strictGroups}|${groups ? groups.join('\u0000') : ''}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) byTarget.set(target, (forTarget = new Map()));
    let metadata = forTarget.get(key);
    if (!metadata) forTarget.set(key, (metadata = lookUp(target, schema, always, strictGroups, groups)));
    return metadata;
  };
  storage.groupByPropertyName = (metadata) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) grouped.set(metadata, (byProperty = group(metadata)));
    return byProperty;
  };
  for (const name of ['addValidationMetadata', 'addConstraintMetadata'] as const) {
    const add = storage[name].bind(storage);
    storage[name] = (metadata: unknown) => {
      add(metadata);
      forget();
    };
  }
}
