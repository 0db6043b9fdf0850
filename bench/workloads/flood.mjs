// Flood: one tenant far over its rate limit while another tenant's latency is measured.
import { tenantSlug } from '../accounts.mjs';
import { load, stopProcess } from '../harness.mjs';
import { round } from '../report.mjs';
import { headersFor, login, startApi } from '../servers.mjs';
import { assertTenantLimit } from './throughput.mjs';

/**
 * Measures the victim tenant's list-page latency at a fixed offered rate (`victimRate` requests/s
 * over 4 connections), first alone and then during a flood. In the flood the `flood` tenant sends
 * list requests as fast as 32 connections allow, far over its own limit of `floodLimit` per
 * minute. A fixed rate keeps
 * the victim's latency a measure of service time rather than of its own queueing. Both runs use
 * one API process with `limitPerMinute` for the other tenants. The goal is a flooded p99 at most
 * twice the unloaded p99.
 */
export async function runFlood(dataDir, report, { limitPerMinute, floodLimit, victimRate }) {
  const api = await startApi(dataDir, {
    MASALA_RATE_LIMIT_PER_MINUTE: String(limitPerMinute),
    MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: String(limitPerMinute),
  });
  const victim = await login(api.url, tenantSlug(0));
  const flooder = await login(api.url, 'flood');
  await assertTenantLimit(api.url, victim, limitPerMinute);
  await assertTenantLimit(api.url, flooder, floodLimit);

  const victimLoad = (name, warmup) =>
    load(
      name,
      {
        url: `${api.url}/api/v1/tickets?limit=25`,
        headers: headersFor(victim),
        connections: 4,
        overallRate: victimRate,
      },
      { warmup },
    );
  const unloaded = report.record(await victimLoad(`flood: victim ${victim.slug} alone, ${victimRate} req/s`, true));
  // No warm-up here: both loads must start together and last equally long.
  const [flooded, flood] = await Promise.all([
    victimLoad(`flood: victim ${victim.slug} during the flood, ${victimRate} req/s`, false),
    load(
      `flood: tenant flood, limit ${floodLimit}/min, unthrottled clients`,
      { url: `${api.url}/api/v1/tickets?limit=25`, headers: headersFor(flooder) },
      { warmup: false },
    ),
  ]);
  report.record(flooded);
  report.record(flood);
  await stopProcess(api.child);

  if (flood.rejected429 === 0) {
    report.note(
      `the flood tenant sent ${flood.total} requests and got no 429, so it never exceeded its limit of ` +
        `${floodLimit}/min: the flood ratio measures ordinary load, not a flood (raise BENCH_SECONDS)`,
    );
  }
  const ratio = round(flooded.p99Ms / Math.max(unloaded.p99Ms, 0.01));
  report.measure('flood: victim p99 during the flood / alone', ratio, 'x');
  report.measure('flood: victim non-2xx responses during the flood', flooded.failed, 'responses');
  report.measure('flood: flood tenant 429 responses', flood.rejected429, 'responses');
  return { unloaded, flooded, flood, ratio };
}
