// Credits and billing: the balance, the subscription (cancel and resume at the period's end,
// the Stripe Billing Portal), the return from Stripe Checkout (waiting for the webhook that
// grants what was paid), every movement of the ledger, and the invoices.
import * as api from "../api.js";
import { html, useEffect, useState } from "../lib.js";
import { useLocation } from "../router.js";
import {
  Button,
  DataTable,
  ErrorNotice,
  Loading,
  Page,
  Pager,
  StatusBadge,
  date,
  money,
  useAction,
  useLoad,
  words,
} from "../ui.js";
import { boughtIn, forgetCheckout, goToStripe } from "./checkout.js";

const PAGE_SIZE = 20;
const CONFIRM_POLL_MS = 2000;
// Stripe usually confirms within seconds; after this many checks the page stops asking.
const CONFIRM_POLLS = 90;

/** Has Stripe's webhook delivered what Checkout session `session` bought? */
async function delivered(session, bought) {
  if (bought?.kind !== "plan") {
    const purchases = await api.get(`/credits/transactions${api.query({ kind: "purchase", page_size: 10 })}`);
    if (purchases.results.some((t) => t.reference === session)) return true;
    if (bought) return false;
  }
  const current = await api.get("/subscriptions/current");
  return Boolean(current.stripe_subscription) && (!bought || current.plan.code === bought.code);
}

/** Back from Checkout: wait (visibly) for the webhook, then have the page reload its data. */
function CheckoutReturn({ session, onDelivered }) {
  const [bought] = useState(() => boughtIn(session));
  const [state, setState] = useState("waiting");
  useEffect(() => {
    let polls = 0;
    let timer = null;
    let live = true;
    const check = async () => {
      let done = false;
      try {
        done = await delivered(session, bought);
      } catch {
        // a dropped request: the next poll asks again
      }
      if (!live) return;
      if (done) {
        forgetCheckout();
        setState("delivered");
        onDelivered();
      } else if (++polls >= CONFIRM_POLLS) setState("late");
      else timer = setTimeout(check, CONFIRM_POLL_MS);
    };
    check();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [session]);
  const what = bought?.name || "your purchase";
  return html`<div class=${`notice ${state === "delivered" ? "success" : "info"}`} role="status" id="checkout-status">
    ${state === "waiting" && html`<p><span class="spinner" aria-hidden="true"></span> Payment received. Waiting for Stripe to confirm ${what}…</p>`}
    ${state === "delivered" &&
    html`<p>${bought?.kind === "plan" ? `You are subscribed to ${what}.` : `Payment confirmed: ${what} is in your balance.`}</p>`}
    ${state === "late" && html`<p>Stripe has not confirmed ${what} yet. It arrives as soon as it does: reload this page later.</p>`}
  </div>`;
}

function Subscription({ current, onChange }) {
  const change = useAction();
  const portal = useAction();
  const sub = current.data;
  if (!sub) return html`<${ErrorNotice} error=${current.error} />`;
  const paid = Boolean(sub.stripe_subscription);
  const toggle = (path, question) => {
    if (question && !window.confirm(question)) return;
    change.run(async () => onChange(await api.post(path)));
  };
  return html`<section class="card" aria-labelledby="subscription-heading">
    <h2 id="subscription-heading">Subscription</h2>
    <dl class="facts">
      <div><dt>Plan</dt><dd id="plan-name">${sub.plan.name}</dd></div>
      <div><dt>Status</dt><dd><${StatusBadge} status=${sub.status} /></dd></div>
      <div><dt>Every month</dt><dd>${sub.plan.monthly_allowance} credits</dd></div>
      <div><dt>Left this period</dt><dd>${sub.allowance_left} credits</dd></div>
      ${sub.current_period_end &&
      html`<div>
        <dt>${sub.cancel_at_period_end ? "Ends on" : "Renews on"}</dt>
        <dd id="period-end">${date(sub.current_period_end)}</dd>
      </div>`}
    </dl>
    ${sub.cancel_at_period_end &&
    html`<p id="cancel-note">Cancelled: the plan and its credits run until ${date(sub.current_period_end)}, then
      you return to the free plan.</p>`}
    <${ErrorNotice} error=${change.error || portal.error} />
    <div class="button-row">
      <a class="button primary" href="/credits/plans">${paid ? "Change plan or buy credits" : "Plans and credit packs"}</a>
      ${paid &&
      (sub.cancel_at_period_end
        ? html`<${Button} kind="secondary" busy=${change.busy} onClick=${() => toggle("/subscriptions/resume")}>
            Resume subscription
          <//>`
        : html`<${Button} kind="secondary" busy=${change.busy}
            onClick=${() => toggle("/subscriptions/cancel", `Cancel ${sub.plan.name} at the end of this period?`)}>
            Cancel subscription
          <//>`)}
      ${paid &&
      html`<${Button} kind="secondary" busy=${portal.busy} onClick=${() => portal.run(() => goToStripe("/billing/portal"))}>
        Manage billing at Stripe
      <//>`}
    </div>
  </section>`;
}

const LEDGER = [
  { head: "When", cell: (t) => date(t.created_at) },
  { head: "What", cell: (t) => html`${words(t.kind)}${t.reason && html`<br /><small>${t.reason}</small>`}` },
  { head: "Job", cell: (t) => t.job ?? "" },
  { head: "Credits", cell: (t) => `${t.amount > 0 ? "+" : ""}${t.amount}`, cls: (t) => `num ${t.amount < 0 ? "minus" : "plus"}` },
  { head: "Balance", cell: (t) => t.balance_after, cls: "num" },
];

const invoiceLink = (url, text, number) =>
  url && html`<a href=${url} rel="noopener">${text}<span class="visually-hidden"> of invoice ${number}</span></a>`;
const INVOICES = [
  { head: "Date", cell: (i) => date(i.created) },
  { head: "Number", cell: (i) => i.number || i.id },
  { head: "Status", cell: (i) => words(i.status) },
  { head: "Amount", cell: (i) => money(i.amount_paid || i.amount_due, i.currency), cls: "num" },
  {
    head: "Invoice",
    cell: (i) =>
      html`${invoiceLink(i.hosted_invoice_url, "View", i.number)}${i.invoice_pdf && " · "}${invoiceLink(i.invoice_pdf, "PDF", i.number)}`,
  },
];

export function Credits() {
  const { params } = useLocation();
  const [page, setPage] = useState(1);
  const [generation, setGeneration] = useState(0); // bumped when Stripe delivered a purchase
  const balance = useLoad(() => api.get("/credits/balance"), [generation]);
  const current = useLoad(() => api.get("/subscriptions/current"), [generation]);
  const ledger = useLoad(
    () => api.get(`/credits/transactions${api.query({ page, page_size: PAGE_SIZE })}`),
    [page, generation],
  );
  const invoices = useLoad(() => api.get("/billing/invoices"), [generation]);
  const session = params.get("checkout") === "success" ? params.get("session") : null;
  const actions = html`<a class="button primary" href="/credits/plans">Buy credits</a>`;
  return html`<${Page} title="Credits" actions=${actions}>
    ${session && html`<${CheckoutReturn} session=${session} onDelivered=${() => setGeneration((n) => n + 1)} />`}
    <${ErrorNotice} error=${balance.error} />
    <section class="card balance" aria-labelledby="balance-heading">
      <h2 id="balance-heading">Balance</h2>
      ${balance.data
        ? html`<p class="big-number"><span id="balance">${balance.data.balance}</span> credits</p>`
        : !balance.error && html`<${Loading} />`}
    </section>
    <${Subscription} current=${current} onChange=${current.setData} />
    <section class="card" aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">History</h2>
      <${DataTable} load=${ledger} id="ledger" label="Credit movements" empty="No credit has moved yet." columns=${LEDGER} />
      ${ledger.data &&
      html`<${Pager} page=${page} count=${ledger.data.count} pageSize=${PAGE_SIZE} onPage=${setPage} label="History pages" />`}
    </section>
    <section class="card" aria-labelledby="invoices-heading">
      <h2 id="invoices-heading">Invoices</h2>
      <${DataTable} load=${invoices} id="invoices" label="Invoices" empty="No invoice yet." columns=${INVOICES} />
    </section>
  <//>`;
}
