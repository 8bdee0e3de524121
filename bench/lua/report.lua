-- Shared by the scenarios: one parseable line when wrk finishes.
function report(summary, latency)
   local seconds = summary.duration / 1e6
   local non2xx = summary.errors.status + summary.errors.connect + summary.errors.read
                + summary.errors.write + summary.errors.timeout
   io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d requests=%d\n",
      summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      non2xx, summary.requests))
end
