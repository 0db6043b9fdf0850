// Seeds a data folder for the benchmark with tenants and one agent each, through the built
// application's own commands, then exits. Usage: node bench/seed.mjs <tenants>
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';

const tenants = Number(process.argv[2] ?? 100);
const { AppModule } = await import('../dist/apps/api/src/app.module.js');
const kernel = await import('../dist/libs/kernel/src/index.js');
const { CreateTenantCommand } = await import('../dist/libs/tenancy/src/index.js');
const { CreateUserCommand } = await import('../dist/libs/identity/src/index.js');

const settings = kernel.loadSettings();
const app = await NestFactory.createApplicationContext(AppModule.forRoot(settings), { logger: ['error'] });
const commands = app.get(CommandBus);
await kernel.RequestContext.run({ correlationId: 'bench-seed', system: true }, async () => {
  for (let index = 0; index < tenants; index += 1) {
    const slug = `t${String(index).padStart(3, '0')}`;
    const tenant = await commands.execute(
      new CreateTenantCommand({ slug, name: `Bench ${slug}`, settings: { rateLimitPerMinute: 1_000_000 } }, kernel.SYSTEM_ACTOR),
    );
    await kernel.RequestContext.withTenant(tenant.id, () =>
      commands.execute(
        new CreateUserCommand(tenant.id, kernel.SYSTEM_ACTOR, {
          email: `agent@${slug}.bench`,
          roles: ['Employee'],
          password: 'bench-password-long-enough',
        }),
      ),
    );
  }
});
await app.close();
