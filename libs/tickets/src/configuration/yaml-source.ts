import {
  constructFromEvents,
  EVENT_ID,
  getScalarValue,
  parseEvents,
  YAMLException,
  type Event,
} from 'js-yaml';

/** Location of a value inside the document: mapping keys and sequence indexes from the root. */
export type KeyPath = readonly (string | number)[];

/** Formats a key path as `domains.IT.workflow.states[2].code`. */
export function formatKeyPath(path: KeyPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? segment : `.${segment}`;
    }
  }
  return text;
}

export interface YamlSource {
  /** The constructed document, or undefined when the file contains no document. */
  document: unknown;
  /** 1-based line of the key (or sequence item) at `path`, or of its nearest ancestor found. */
  lineOf(path: KeyPath): number | undefined;
}

export class YamlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number | undefined,
  ) {
    super(reason);
    this.name = 'YamlSyntaxError';
  }
}

/**
 * Parses one YAML document with the core schema and records where each key starts.
 * Throws YamlSyntaxError for invalid YAML, duplicate keys or more than one document.
 */
export function parseYamlSource(text: string, filename: string): YamlSource {
  let events: Event[];
  let documents: unknown[];
  try {
    events = parseEvents(text, { filename });
    documents = constructFromEvents(events, { source: text, filename });
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = error.mark === undefined ? undefined : error.mark.line + 1;
      throw new YamlSyntaxError(error.reason, line);
    }
    throw error;
  }

  const lineStarts = computeLineStarts(text);
  const offsets = collectKeyOffsets(text, events);
  if (documents.length > 1) {
    const secondStart = offsets.documentStarts[1];
    const line =
      secondStart === undefined || secondStart < 0 ? undefined : lineAt(lineStarts, secondStart);
    throw new YamlSyntaxError('expected a single YAML document, but found more', line);
  }

  return {
    document: documents[0],
    lineOf(path: KeyPath): number | undefined {
      for (let length = path.length; length >= 0; length -= 1) {
        const offset = offsets.byPath.get(formatKeyPath(path.slice(0, length)));
        if (offset !== undefined) {
          return lineAt(lineStarts, offset);
        }
      }
      return undefined;
    },
  };
}

interface MappingFrame {
  kind: 'mapping';
  path: (string | number)[];
  /** Key read and waiting for its value, or null when the next node is a key. */
  pendingKey: string | null;
}

interface SequenceFrame {
  kind: 'sequence';
  path: (string | number)[];
  nextIndex: number;
}

interface DocumentFrame {
  kind: 'document';
  path: (string | number)[];
}

/** A mapping or sequence used as a mapping key, whose contents get no path. */
interface ComplexKeyFrame {
  kind: 'complex-key';
  path: (string | number)[];
}

type Frame = MappingFrame | SequenceFrame | DocumentFrame | ComplexKeyFrame;

interface KeyOffsets {
  byPath: Map<string, number>;
  /** Offset of the first node of each document. */
  documentStarts: number[];
}

/**
 * Walks the parser event stream and maps each key path to the offset of its key, so a
 * problem found after construction can name the line where the key is written.
 */
function collectKeyOffsets(text: string, events: readonly Event[]): KeyOffsets {
  const byPath = new Map<string, number>();
  const documentStarts: number[] = [];
  const stack: Frame[] = [];

  for (const event of events) {
    if (event.type === EVENT_ID.DOCUMENT) {
      stack.push({ kind: 'document', path: [] });
      continue;
    }
    if (event.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }

    const offset = nodeOffset(event);
    const parent = stack[stack.length - 1];
    let path: (string | number)[] | null = null;

    if (parent === undefined || parent.kind === 'complex-key') {
      path = null;
    } else if (parent.kind === 'document') {
      documentStarts.push(offset);
      path = [];
    } else if (parent.kind === 'sequence') {
      path = [...parent.path, parent.nextIndex];
      parent.nextIndex += 1;
    } else if (parent.pendingKey === null) {
      // This node is a mapping key. The default object-based map rejects non-scalar keys
      // before this walk runs, so the complex-key branch only keeps the stack balanced.
      if (event.type === EVENT_ID.SCALAR) {
        parent.pendingKey = getScalarValue(text, event);
        const keyPath = formatKeyPath([...parent.path, parent.pendingKey]);
        if (offset >= 0 && !byPath.has(keyPath)) {
          byPath.set(keyPath, offset);
        }
      } else {
        parent.pendingKey = '?';
        if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
          stack.push({ kind: 'complex-key', path: [] });
        }
      }
      continue;
    } else {
      path = [...parent.path, parent.pendingKey];
      parent.pendingKey = null;
    }

    if (path !== null && offset >= 0) {
      const formatted = formatKeyPath(path);
      if (!byPath.has(formatted)) {
        byPath.set(formatted, offset);
      }
    }

    const isCollection = event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE;
    if (isCollection && path === null) {
      stack.push({ kind: 'complex-key', path: [] });
    } else if (event.type === EVENT_ID.MAPPING && path !== null) {
      stack.push({ kind: 'mapping', path, pendingKey: null });
    } else if (event.type === EVENT_ID.SEQUENCE && path !== null) {
      stack.push({ kind: 'sequence', path, nextIndex: 0 });
    }
  }

  return { byPath, documentStarts };
}

function nodeOffset(event: Event): number {
  switch (event.type) {
    case EVENT_ID.SCALAR:
      // Anchor and tag come before the value. An empty scalar has only those, or nothing (-1).
      return Math.max(event.valueStart, event.anchorStart, event.tagStart);
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return event.start;
    case EVENT_ID.ALIAS:
      return event.anchorStart;
    default:
      return -1;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
    starts.push(index + 1);
  }
  return starts;
}

/** Converts a character offset to a 1-based line number by binary search over line starts. */
function lineAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low + 1;
}
