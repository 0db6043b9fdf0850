/** One Dockerfile instruction, with continuation lines joined. */
export interface Instruction {
  keyword: string;
  /** The arguments as written after the keyword. */
  value: string;
  /** Arguments of the JSON (exec) form, when the instruction uses it. */
  exec?: string[];
  line: number;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/**
 * Parses a Dockerfile into its stages: comments and blank lines dropped, backslash
 * continuations joined, and exec-form arguments decoded. Enough for checking what a file
 * declares; it does not expand ARG values or heredocs.
 */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const start = index + 1;
    let line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && index + 1 < lines.length) {
      index += 1;
      const next = lines[index]!.trim();
      line = `${line.slice(0, -1).trimEnd()} ${next.startsWith('#') ? '' : next}`.trimEnd();
    }
    const match = /^(\S+)\s*(.*)$/.exec(line)!;
    const keyword = match[1]!.toUpperCase();
    const value = match[2]!;
    const instruction: Instruction = { keyword, value, line: start, exec: execForm(keyword, value) };

    if (keyword === 'FROM') {
      const [base, as, name] = value.split(/\s+/);
      stages.push({ base: base!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (keyword === 'ARG' && stages.length === 0) {
      const [name, fallback] = value.split('=');
      args[name!] = fallback ?? '';
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

function execForm(keyword: string, value: string): string[] | undefined {
  const json = keyword === 'HEALTHCHECK' ? value.replace(/^.*?\bCMD\s+/, '') : value;
  if (!json.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `KEY=value` pairs of an ENV instruction (the `ENV KEY value` form included). */
export function envOf(instruction: Instruction): Record<string, string> {
  const pairs = instruction.value.match(/[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|\S+)/g);
  if (!pairs) {
    const [name, ...rest] = instruction.value.split(/\s+/);
    return { [name!]: rest.join(' ') };
  }
  return Object.fromEntries(
    pairs.map((pair) => {
      const [name, ...rest] = pair.split('=');
      return [name!, rest.join('=').replace(/^"|"$/g, '')];
    }),
  );
}
