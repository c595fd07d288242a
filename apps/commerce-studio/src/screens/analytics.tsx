import { useAnalyticsSummary, useLiveEvent, useSession } from "@varai/admin-kit";
import { useState } from "react";
import { Button, Input, Label, TextField } from "react-aria-components";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { actingTenant } from "../acting-tenant.ts";
import { Empty, ErrorState, Loading, PageHeader } from "../parts.tsx";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const percent = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(1)} %`);

/**
 * A 95 % interval for the difference of two conversion rates (normal approximation), so the
 * merchant sees whether "try-on converts better" is more than noise.
 */
function differenceInterval(a: { sessions: number; purchased: number }, b: { sessions: number; purchased: number }) {
  if (a.sessions === 0 || b.sessions === 0) return null;
  const pa = a.purchased / a.sessions;
  const pb = b.purchased / b.sessions;
  const se = Math.sqrt((pa * (1 - pa)) / a.sessions + (pb * (1 - pb)) / b.sessions);
  return { low: pa - pb - 1.96 * se, high: pa - pb + 1.96 * se };
}

async function download(session: ReturnType<typeof useSession>["session"], from: string, to: string) {
  const tenant = actingTenant.get();
  const response = await session.authorizedFetch(`/v1/analytics/export?from=${from}&to=${to}`, {
    headers: tenant ? { "X-VARAi-Tenant": tenant } : {},
  });
  if (!response.ok) throw new Error(`Export failed (HTTP ${response.status})`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `varai-analytics-${from}-${to}.ndjson`;
  link.click();
  URL.revokeObjectURL(url);
}

export default function AnalyticsScreen() {
  const [from, setFrom] = useState(day(-29));
  const [to, setTo] = useState(day(0));
  const [lastLive, setLastLive] = useState<string | null>(null);
  const summary = useAnalyticsSummary({ from, to });
  const { session } = useSession();
  useLiveEvent("analytics", (event) => setLastLive(event.at));
  const s = summary.data;
  const interval = s ? differenceInterval(s.conversion.triedOn, s.conversion.notTriedOn) : null;
  const revenue = s ? Object.entries(s.totals.revenue) : [];

  return (
    <section>
      <PageHeader title="Analytics">
        <Button className="button secondary" onPress={() => void download(session, from, to)}>
          Export NDJSON
        </Button>
      </PageHeader>
      <div className="toolbar">
        <TextField value={from} onChange={setFrom} type="date">
          <Label>From</Label>
          <Input />
        </TextField>
        <TextField value={to} onChange={setTo} type="date">
          <Label>To</Label>
          <Input />
        </TextField>
        <p className="muted" role="status" aria-live="polite">
          {lastLive ? `Updated live at ${new Date(lastLive).toLocaleTimeString()}` : "Updates live as events arrive"}
        </p>
      </div>
      {summary.isPending ? (
        <Loading what="analytics" />
      ) : summary.isError ? (
        <ErrorState error={summary.error} retry={() => void summary.refetch()} />
      ) : !s ? null : (
        <>
          <section className="metrics" aria-label="Totals">
            <Metric label="Widget shown" value={s.totals.widgetShown} id="widgetShown" />
            <Metric label="Try-ons started" value={s.totals.tryOnStarted} id="tryOnStarted" />
            <Metric label="Try-ons rendered" value={s.totals.tryOnRendered} id="tryOnRendered" />
            <Metric label="Added to cart" value={s.totals.addToCart} id="addToCart" />
            <Metric label="Purchases" value={s.totals.purchases} id="purchases" />
            <div className="metric">
              <span className="metric-label">Revenue</span>
              <span className="metric-value">
                {revenue.length === 0 ? "0" : revenue.map(([c, v]) => `${v.toFixed(2)} ${c}`).join(" · ")}
              </span>
            </div>
          </section>
          {s.totals.widgetShown === 0 && s.totals.purchases === 0 ? (
            <Empty>
              <p>No shopper events in this range yet. Once the widgets run on your store, numbers appear here live.</p>
            </Empty>
          ) : null}
          <div className="cards">
            <article className="card">
              <h2>Try-on vs no try-on</h2>
              <dl className="facts">
                <dt>Converted after a try-on</dt>
                <dd>
                  {percent(s.conversion.triedOn.rate)} of {s.conversion.triedOn.sessions} sessions
                </dd>
                <dt>Converted without</dt>
                <dd>
                  {percent(s.conversion.notTriedOn.rate)} of {s.conversion.notTriedOn.sessions} sessions
                </dd>
                <dt>Lift</dt>
                <dd>{s.conversion.lift === null ? "—" : `× ${s.conversion.lift}`}</dd>
                <dt>95 % interval of the difference</dt>
                <dd>
                  {interval
                    ? `${(interval.low * 100).toFixed(1)} to ${(interval.high * 100).toFixed(1)} points${
                        interval.low > 0 ? " (significant)" : " (not significant yet)"
                      }`
                    : "needs sessions in both groups"}
                </dd>
              </dl>
            </article>
            <article className="card">
              <h2>Funnel</h2>
              <ol className="funnel">
                {s.funnel.map((step) => (
                  <li key={step.step}>
                    <span>{step.step.replaceAll("_", " ")}</span>
                    <strong>{step.sessions}</strong>
                    <span className="muted">
                      {step.rateFromPrevious === null ? "" : percent(step.rateFromPrevious)}
                    </span>
                  </li>
                ))}
              </ol>
            </article>
          </div>
          <article className="card chart">
            <h2 id="daily-chart">Daily</h2>
            <div role="img" aria-labelledby="daily-chart" style={{ width: "100%", height: 260 }}>
              <ResponsiveContainer>
                <LineChart data={s.series}>
                  <CartesianGrid stroke="#d6d9e0" strokeDasharray="3 3" />
                  <XAxis dataKey="date" tick={{ fontSize: 12 }} />
                  <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
                  <Tooltip />
                  <Legend />
                  <Line
                    type="monotone"
                    dataKey="widgetShown"
                    name="Widget shown"
                    stroke="#1f4fd1"
                    dot={false}
                    isAnimationActive={false}
                  />
                  <Line
                    type="monotone"
                    dataKey="tryOnStarted"
                    name="Try-ons"
                    stroke="#b03a00"
                    dot={false}
                    isAnimationActive={false}
                  />
                  <Line
                    type="monotone"
                    dataKey="purchases"
                    name="Purchases"
                    stroke="#0b7a3b"
                    dot={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          </article>
          <article className="card">
            <h2>Top frames</h2>
            {s.topFrames.length === 0 ? (
              <p className="muted">No try-ons yet.</p>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Frame</th>
                    <th scope="col">Try-ons</th>
                    <th scope="col">Views</th>
                    <th scope="col">Purchases</th>
                  </tr>
                </thead>
                <tbody>
                  {s.topFrames.map((f) => (
                    <tr key={f.productId}>
                      <th scope="row">{f.title ?? f.productId}</th>
                      <td>{f.tryOns}</td>
                      <td>{f.views}</td>
                      <td>{f.purchases}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </article>
        </>
      )}
    </section>
  );
}

function Metric({ label, value, id }: { label: string; value: number; id: string }) {
  return (
    <div className="metric" data-metric={id}>
      <span className="metric-label">{label}</span>
      <span className="metric-value">{value}</span>
    </div>
  );
}
