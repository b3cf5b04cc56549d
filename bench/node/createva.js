// Create-VA calls through the official Midtrans Node SDK (SnapBi) against a loopback emulator.
//
//   node bench/node/createva.js CONFIG_JSON
//
// CONFIG_JSON: {baseUrl, count, concurrency, maxSeconds, clientId, clientSecret, partnerId,
// channelId, merchantId, privateKeyFile, runId, warmup}. Prints one JSON line: {requested, ok, failed,
// seconds, cpuSeconds, latenciesMs, firstError}. Used by bench/loopback.py; loopback only.
'use strict';

const fs = require('fs');
const { SnapBi, SnapBiConfig } = require('midtrans-client');

async function main() {
  const cfg = JSON.parse(process.argv[2]);
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(cfg.baseUrl)) {
    throw new Error('baseUrl must be a loopback URL');
  }
  SnapBiConfig.SNAP_BI_SANDBOX_BASE_URL = cfg.baseUrl; // isProduction defaults to false
  SnapBiConfig.snapBiClientId = cfg.clientId;
  SnapBiConfig.snapBiPrivateKey = fs.readFileSync(cfg.privateKeyFile, 'utf8');
  SnapBiConfig.snapBiClientSecret = cfg.clientSecret;
  SnapBiConfig.snapBiPartnerId = cfg.partnerId;
  SnapBiConfig.snapBiChannelId = cfg.channelId;

  const latencies = [];
  let ok = 0;
  let failed = 0;
  let firstError = null;
  let next = 0;

  function body(index, externalId) {
    const customerNo = String(6280000000 + index);
    return {
      partnerServiceId: '   70012',
      customerNo,
      virtualAccountNo: '   70012' + customerNo,
      virtualAccountName: 'Jokul Doe',
      trxId: externalId,
      totalAmount: { value: '10000.00', currency: 'IDR' },
      additionalInfo: { bank: 'bca', merchantId: cfg.merchantId },
    };
  }

  async function worker() {
    while (next < cfg.count && process.hrtime.bigint() < deadline) {
      const index = next++;
      const externalId = cfg.runId + String(index).padStart(8, '0');
      const t0 = process.hrtime.bigint();
      const answer = await SnapBi.va()
        .withBody(body(index, externalId))
        .withTimeout(30000)
        .createPayment(externalId);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (answer && answer.responseCode === '2002700') {
        ok++;
      } else {
        failed++;
        if (firstError === null) firstError = answer;
      }
    }
  }

  if (cfg.warmup) {
    // One uncounted call per worker first (sockets opened), as bench/loopback.py does.
    await Promise.all(
      Array.from({ length: cfg.concurrency }, (_, i) => {
        const externalId = cfg.runId + 'W' + String(i).padStart(7, '0');
        return SnapBi.va()
          .withBody(body(cfg.count + i, externalId))
          .withTimeout(30000)
          .createPayment(externalId);
      }),
    );
  }
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(cfg.maxSeconds * 1e9));
  await Promise.all(Array.from({ length: cfg.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    JSON.stringify({
      requested: next,
      ok,
      failed,
      seconds,
      cpuSeconds,
      latenciesMs: latencies,
      firstError,
    }) +
      '\n',
  );
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
