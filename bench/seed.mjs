// Seeds a data folder for the benchmark through the built application's own commands, then
// exits. Usage: node bench/seed.mjs <tenants> [--workload-tenants]
//
// Creates tenants t000, t001, ... with one Employee each (agent@<slug>.bench). They have no
// rate-limit setting of their own, so MASALA_RATE_LIMIT_PER_MINUTE of each API run applies.
// With --workload-tenants it also creates:
// - `flood`: one Employee, and a rate limit of BENCH_FLOOD_LIMIT_PER_MINUTE (default 600, the
//   product's default limit), for the flood workload;
// - `erase`: a ComplianceOfficer (officer@erase.bench) and the subject to erase (subject@...);
// - `export`: a ComplianceOfficer and two subjects to export (small@... and large@...).
// Every account has the password BENCH_PASSWORD of bench/accounts.mjs.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { BENCH_PASSWORD, tenantSlug } from './accounts.mjs';

const tenants = Number(process.argv[2] ?? 100);
const workloadTenants = process.argv.includes('--workload-tenants');
const floodLimit = Number(process.env.BENCH_FLOOD_LIMIT_PER_MINUTE ?? 600);

const { AppModule } = await import('../dist/apps/api/src/app.module.js');
const kernel = await import('../dist/libs/kernel/src/index.js');
const { CreateTenantCommand } = await import('../dist/libs/tenancy/src/index.js');
const { CreateUserCommand } = await import('../dist/libs/identity/src/index.js');

const settings = kernel.loadSettings();
const app = await NestFactory.createApplicationContext(AppModule.forRoot(settings), { logger: ['error'] });
const commands = app.get(CommandBus);

async function createTenant(slug, tenantSettings, users) {
  const tenant = await commands.execute(
    new CreateTenantCommand({ slug, name: `Bench ${slug}`, settings: tenantSettings }, kernel.SYSTEM_ACTOR),
  );
  for (const [name, role] of users) {
    await kernel.RequestContext.withTenant(tenant.id, () =>
      commands.execute(
        new CreateUserCommand(tenant.id, kernel.SYSTEM_ACTOR, {
          email: `${name}@${slug}.bench`,
          roles: [role],
          password: BENCH_PASSWORD,
        }),
      ),
    );
  }
}

await kernel.RequestContext.run({ correlationId: 'bench-seed', system: true }, async () => {
  for (let index = 0; index < tenants; index += 1) {
    await createTenant(tenantSlug(index), {}, [['agent', 'Employee']]);
  }
  if (!workloadTenants) return;
  await createTenant('flood', { rateLimitPerMinute: floodLimit }, [['agent', 'Employee']]);
  await createTenant('erase', {}, [
    ['officer', 'ComplianceOfficer'],
    ['subject', 'Employee'],
  ]);
  await createTenant('export', {}, [
    ['officer', 'ComplianceOfficer'],
    ['small', 'Employee'],
    ['large', 'Employee'],
  ]);
});
await app.close();
