import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata.js';
import { DriverUtils } from 'typeorm/driver/DriverUtils.js';
import type {
  DataSource,
  EntityManager,
  EntityTarget,
  FindOneOptions,
  ObjectLiteral,
  QueryDeepPartialEntity,
  SelectQueryBuilder,
} from 'typeorm';

/** A selected column and the key of its value in a raw result row. */
interface ColumnSlot {
  readonly key: string;
  readonly column: ColumnMetadata;
}

type SubscriberHook = 'afterLoad' | 'beforeInsert' | 'afterInsert';

/** Column slots per entity and alias, or undefined where the driver shortens an alias. */
const columnSlots = new WeakMap<EntityMetadata, Map<string, readonly ColumnSlot[] | undefined>>();
/** Insert statements per entity, driver and row count. */
const insertStatements = new WeakMap<EntityMetadata, Map<string, string>>();
/** Verdicts of `leanInsertable` per entity: whether `insertRows` may write the rows itself. */
const leanInsertables = new WeakMap<EntityMetadata, boolean>();
/** Lookup statements of the `findFlat` functions per entity, driver, condition, columns, limit and order. */
const lookupStatements = new WeakMap<EntityMetadata, Map<string, string>>();
/** Table alias of lookup statements, which prefixes the keys of their result rows. */
const LOOKUP_ALIAS = 'lookup';

/**
 * Loads the rows of a select over one entity as `getMany` does, without TypeORM's relation-aware
 * transformer. On a page of 25 tickets that transformer took about as long as the query itself,
 * measured in one process on SQLite.
 *
 * Each column goes through the driver's `prepareHydratedValue`, so column types and value
 * transformers (the encrypted columns among them) apply unchanged. The entity's `@AfterLoad`
 * listeners and the `afterLoad` subscribers then run as for `getMany`, so the tenant subscriber
 * still rejects a row of another tenant.
 *
 * A query with joins or relation ids, an entity with relations or embedded columns, and an alias
 * that the driver would shorten, go through `getMany` instead.
 */
export async function selectFlat<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<T[]> {
  const map = query.expressionMap;
  const metadata = map.mainAlias?.hasMetadata ? map.mainAlias.metadata : undefined;
  const flat =
    metadata !== undefined &&
    map.joinAttributes.length === 0 &&
    map.relationIdAttributes.length === 0 &&
    metadata.relations.length === 0 &&
    metadata.embeddeds.length === 0;
  if (!flat) return query.getMany();
  const slots = slotsFor(query.connection, metadata, map.mainAlias!.name);
  if (slots === undefined) return query.getMany();

  const rows = (await query.getRawMany()) as Record<string, unknown>[];
  return hydrate<T>(query.connection.manager, metadata, slots, rows, map.callListeners);
}

/** Returns the first entity that `selectFlat` loads, or null. The query keeps its own limit. */
export async function selectFlatOne<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<T | null> {
  return (await selectFlat(query))[0] ?? null;
}

/**
 * Loads the one entity whose columns equal `where`, usually its primary key, with only `columns`
 * when given. It returns what `findOne` would, and the statement text is built once per entity,
 * driver and shape of the lookup instead of by the query builder on every call.
 *
 * A `where` value that is undefined or null is rejected: TypeORM would drop it from the
 * condition and match any row.
 */
export async function findFlatOne<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  where: Partial<Record<keyof T & string, string | number>>,
  columns?: ReadonlyArray<keyof T & string>,
): Promise<T | null> {
  return (await findFlatRows(manager, target, where, columns, true))[0] ?? null;
}

/**
 * Loads every entity whose columns equal `where`, in no particular order, as `find` would with
 * `where` and `select` only. It checks the condition and caches the statement as `findFlatOne`
 * does.
 */
export function findFlat<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  where: Partial<Record<keyof T & string, string | number>>,
  columns?: ReadonlyArray<keyof T & string>,
): Promise<T[]> {
  return findFlatRows(manager, target, where, columns, false);
}

/**
 * Loads the entity with the highest `last` value among those whose columns equal `where`, as
 * `findOne` would with `order: { [last]: 'DESC' }`. It checks the condition and caches the
 * statement as `findFlatOne` does. An index that starts with the `where` columns and then `last`
 * serves it without a sort.
 */
export async function findFlatLast<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  where: Partial<Record<keyof T & string, string | number>>,
  last: keyof T & string,
  columns?: ReadonlyArray<keyof T & string>,
): Promise<T | null> {
  return (await findFlatRows(manager, target, where, columns, true, last))[0] ?? null;
}

async function findFlatRows<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  where: Partial<Record<keyof T & string, string | number>>,
  columns: ReadonlyArray<keyof T & string> | undefined,
  first: boolean,
  descendingBy?: keyof T & string,
): Promise<T[]> {
  const metadata = manager.connection.getMetadata(target);
  const keys = Object.keys(where) as Array<keyof T & string>;
  const values = keys.map((key) => where[key]);
  if (keys.length === 0 || values.some((value) => value === undefined || value === null)) {
    throw new RangeError(
      `Invalid lookup of ${metadata.name} by {${keys.join(', ')}}: give at least one key, each with a value`,
    );
  }
  const slots = slotsFor(manager.connection, metadata, LOOKUP_ALIAS);
  if (slots === undefined || metadata.relations.length > 0 || metadata.embeddeds.length > 0) {
    const select = columns === undefined ? undefined : Object.fromEntries(columns.map((column) => [column, true]));
    const order = descendingBy === undefined ? undefined : { [descendingBy]: 'DESC' };
    const options = { where, select, order } as FindOneOptions<T>;
    if (!first) return manager.find(target, options);
    const found = await manager.findOne(target, options);
    return found === null ? [] : [found];
  }
  const statement = lookupStatement(manager, metadata, keys, columns, first, descendingBy);
  const rows = (await manager.query(statement, values)) as Record<string, unknown>[];
  return hydrate<T>(manager, metadata, slots, rows, true);
}

/**
 * Inserts entity rows inside the caller's transaction, as `manager.insert` does. It skips the
 * follow-up select of generated and default columns, and it builds the statement text once per
 * table and row count instead of once per call.
 *
 * The `beforeInsert` and `afterInsert` subscribers run as for any insert, so the tenant is stamped
 * and checked, timestamps are set and subject keys seal personal columns. Each value then goes
 * through the driver's `preparePersistentValue`, which applies the column's type and transformer
 * (encryption included) as the insert query builder does.
 *
 * The insert query builder writes the rows instead for an entity with relations, embedded,
 * generated or version columns, or insert listeners, and for rows that leave a column undefined
 * or set it to an SQL expression.
 */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T> | QueryDeepPartialEntity<T>[],
): Promise<void> {
  const list = Array.isArray(rows) ? rows : [rows];
  if (list.length === 0) return;
  const metadata = manager.connection.getMetadata(target);
  const builder = () => manager.createQueryBuilder().insert().into(target).values(list).updateEntity(false);
  if (!leanInsertable(metadata)) {
    await builder().execute();
    return;
  }

  const entities = list as ObjectLiteral[];
  await runSubscribers('beforeInsert', manager, metadata, entities);
  const parameters = persistentValues(manager, metadata, entities);
  if (parameters === undefined) {
    // The builder writes DEFAULT or the expression. The subscribers ran already, so it must not.
    await builder().callListeners(false).execute();
  } else {
    await manager.query(insertStatement(manager, metadata, list.length), parameters);
  }
  await runSubscribers('afterInsert', manager, metadata, entities);
}

/** Builds entities from raw rows keyed by `slots`, then runs the load listeners and subscribers. */
async function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  slots: readonly ColumnSlot[],
  rows: Record<string, unknown>[],
  callListeners: boolean,
): Promise<T[]> {
  const driver = manager.connection.driver;
  const entities = rows.map((row) => {
    const entity = metadata.create(undefined, { fromDeserializer: true }) as T;
    for (const { key, column } of slots) {
      if (key in row) column.setEntityValue(entity, driver.prepareHydratedValue(row[key], column));
    }
    return entity;
  });
  if (callListeners) {
    await runAfterLoadListeners(metadata, entities);
    await runSubscribers('afterLoad', manager, metadata, entities);
  }
  return entities;
}

function lookupStatement(
  manager: EntityManager,
  metadata: EntityMetadata,
  keys: readonly string[],
  columns: readonly string[] | undefined,
  first: boolean,
  descendingBy: string | undefined,
): string {
  const driver = manager.connection.driver;
  const byShape = cachedFor(lookupStatements, metadata);
  const cacheKey = [driver.options.type, keys.join(','), columns?.join(',') ?? '*', first ? 'first' : 'all', descendingBy ?? ''].join(':');
  const cached = byShape.get(cacheKey);
  if (cached !== undefined) return cached;

  const alias = driver.escape(LOOKUP_ALIAS);
  const column = (property: string): ColumnMetadata => {
    const found = metadata.findColumnWithPropertyName(property);
    if (found === undefined) throw new RangeError(`Invalid column "${property}" of ${metadata.name}: use a property name of the entity`);
    return found;
  };
  const selected = columns === undefined ? metadata.columns : columns.map(column);
  const list = selected
    .map((item) => `${alias}.${driver.escape(item.databaseName)} AS ${driver.escape(`${LOOKUP_ALIAS}_${item.databaseName}`)}`)
    .join(', ');
  const conditions = keys
    .map((key, index) => `${alias}.${driver.escape(column(key).databaseName)} = ${driver.createParameter(key, index)}`)
    .join(' AND ');
  const order = descendingBy === undefined ? '' : ` ORDER BY ${alias}.${driver.escape(column(descendingBy).databaseName)} DESC`;
  const statement = `SELECT ${list} FROM ${tableOf(manager, metadata)} ${alias} WHERE ${conditions}${order}${first ? ' LIMIT 1' : ''}`;
  byShape.set(cacheKey, statement);
  return statement;
}

function tableOf(manager: EntityManager, metadata: EntityMetadata): string {
  const driver = manager.connection.driver;
  return metadata.tablePath
    .split('.')
    .map((part) => driver.escape(part))
    .join('.');
}

function cachedFor<V>(cache: WeakMap<EntityMetadata, Map<string, V>>, metadata: EntityMetadata): Map<string, V> {
  let byShape = cache.get(metadata);
  if (byShape === undefined) {
    byShape = new Map();
    cache.set(metadata, byShape);
  }
  return byShape;
}

function slotsFor(dataSource: DataSource, metadata: EntityMetadata, alias: string): readonly ColumnSlot[] | undefined {
  const byAlias = cachedFor(columnSlots, metadata);
  const cacheKey = `${dataSource.driver.options.type}:${alias}`;
  if (byAlias.has(cacheKey)) return byAlias.get(cacheKey);

  const slots = metadata.columns.map((column) => ({
    key: DriverUtils.buildAlias(dataSource.driver, undefined, alias, column.databaseName),
    column,
  }));
  const shortened = slots.some(({ key, column }) => key !== `${alias}_${column.databaseName}`);
  byAlias.set(cacheKey, shortened ? undefined : slots);
  return byAlias.get(cacheKey);
}

/** Returns the statement parameters of the rows, or undefined when a value needs the builder. */
function persistentValues(manager: EntityManager, metadata: EntityMetadata, rows: ObjectLiteral[]): unknown[] | undefined {
  const driver = manager.connection.driver;
  const parameters: unknown[] = [];
  for (const row of rows) {
    for (const column of metadata.columns) {
      const value: unknown = column.getEntityValue(row);
      if (value === undefined || typeof value === 'function') return undefined;
      parameters.push(driver.preparePersistentValue(value, column));
    }
  }
  return parameters;
}

function insertStatement(manager: EntityManager, metadata: EntityMetadata, rowCount: number): string {
  const driver = manager.connection.driver;
  const byShape = cachedFor(insertStatements, metadata);
  const cacheKey = `${driver.options.type}:${rowCount}`;
  const cached = byShape.get(cacheKey);
  if (cached !== undefined) return cached;

  const table = tableOf(manager, metadata);
  const names = metadata.columns.map((column) => driver.escape(column.databaseName)).join(', ');
  let index = 0;
  const tuples = Array.from({ length: rowCount }, () => {
    const placeholders = metadata.columns.map(() => driver.createParameter(`p${index}`, index++));
    return `(${placeholders.join(', ')})`;
  });
  const statement = `INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}`;
  byShape.set(cacheKey, statement);
  return statement;
}

function leanInsertable(metadata: EntityMetadata): boolean {
  const known = leanInsertables.get(metadata);
  if (known !== undefined) return known;
  const plainColumns = metadata.columns.every(
    (column) => !column.isGenerated && !column.isVirtual && !column.isVirtualProperty && !column.isVersion,
  );
  const lean =
    plainColumns &&
    metadata.relations.length === 0 &&
    metadata.embeddeds.length === 0 &&
    metadata.beforeInsertListeners.length === 0 &&
    metadata.afterInsertListeners.length === 0;
  leanInsertables.set(metadata, lean);
  return lean;
}

async function runAfterLoadListeners(metadata: EntityMetadata, entities: ObjectLiteral[]): Promise<void> {
  const pending: unknown[] = [];
  for (const listener of metadata.afterLoadListeners) {
    for (const entity of entities) {
      if (listener.isAllowed(entity)) pending.push(listener.execute(entity));
    }
  }
  await Promise.all(pending);
}

/**
 * Calls one hook of the data source's subscribers for each entity, with the event fields that
 * TypeORM's broadcaster passes, and filtered by `listenTo` in the same way.
 */
async function runSubscribers(
  hook: SubscriberHook,
  manager: EntityManager,
  metadata: EntityMetadata,
  entities: ObjectLiteral[],
): Promise<void> {
  const dataSource = manager.connection;
  const pending: unknown[] = [];
  for (const subscriber of dataSource.subscribers) {
    const handler = subscriber[hook] as ((...args: unknown[]) => unknown) | undefined;
    if (handler === undefined || !listensTo(subscriber.listenTo?.(), metadata.target)) continue;
    for (const entity of entities) {
      const event = { dataSource, connection: dataSource, queryRunner: manager.queryRunner, manager, entity, metadata };
      pending.push(hook === 'afterLoad' ? handler.call(subscriber, entity, event) : handler.call(subscriber, event));
    }
  }
  await Promise.all(pending);
}

function listensTo(listened: unknown, target: EntityMetadata['target']): boolean {
  if (listened === undefined || listened === null || listened === Object || listened === target) return true;
  return typeof listened === 'function' && Object.prototype.isPrototypeOf.call(listened, target);
}
