// Accounts that bench/seed.mjs creates and the workloads log in with.

/** Password of every seeded account. */
export const BENCH_PASSWORD = 'bench-password-long-enough';

/** Slug of the n-th numbered tenant: t000, t001, ... */
export function tenantSlug(index) {
  return `t${String(index).padStart(3, '0')}`;
}
