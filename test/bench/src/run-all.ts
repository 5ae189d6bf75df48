import { benchLatency } from './latency';
import { benchResync } from './resync-vs-limit';
import { benchRss } from './rss';
import { benchRssPerService } from './rss-per-service';
import { benchRssCertificateConverter } from './rss-certificate-converter';
import { benchRssDiscovery } from './rss-discovery';
import { benchSourceBudget } from './source-budget';
import { benchManyVaults } from './many-vaults';
import { benchProductionLatency, DEFAULT_PRODUCTION_RATES } from './production-latency';

// Sizes: the defaults finish in a few minutes on 2 cores; set BENCH_SECRETS=10000 for the full run.
const secrets = Number(process.env.BENCH_SECRETS ?? 1000);
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);

if (wanted('latency'))
  await benchLatency(
    Number(process.env.BENCH_RATE ?? 100),
    Number(process.env.BENCH_SECONDS ?? 10),
  );
if (wanted('resync')) await benchResync(secrets);
if (wanted('rss')) await benchRss(Number(process.env.BENCH_RSS_WRITES ?? 1000));
if (wanted('rss') || wanted('rss-per-service'))
  await benchRssPerService(Number(process.env.BENCH_RSS_WRITES ?? 1000));
if (wanted('rss-certificates'))
  await benchRssCertificateConverter(Number(process.env.BENCH_CERTIFICATES ?? 1000));
if (wanted('rss-discovery'))
  await benchRssDiscovery(Number(process.env.BENCH_DISCOVERY_SECRETS ?? 50_000));
if (wanted('source-budget')) {
  // The source share binds at 0.1; at the default 0.5 the replicas' create limit binds instead.
  await benchSourceBudget(Number(process.env.BENCH_BUDGET_SECRETS ?? 500), 0.1);
  await benchSourceBudget(Number(process.env.BENCH_BUDGET_SECRETS ?? 500), 0.5);
}
if (wanted('production-latency'))
  await benchProductionLatency(
    process.env.BENCH_PRODUCTION_RATES?.split(',').map(Number) ?? DEFAULT_PRODUCTION_RATES,
    Number(process.env.BENCH_PRODUCTION_SECONDS ?? 20),
  );
if (wanted('many-vaults'))
  await benchManyVaults(
    Number(process.env.BENCH_MANY_VAULTS ?? 200),
    Number(process.env.BENCH_MANY_SECRETS ?? 25),
  );
