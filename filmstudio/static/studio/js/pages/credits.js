// Credits: the balance and every movement of the ledger. Buying plans and credit packs
// (Stripe Checkout, the subscription, the billing portal) joins this page with the billing
// API (issue 10).
import * as api from "../api.js";
import { html, useState } from "../lib.js";
import { ErrorNotice, Loading, Page, Pager, date, useLoad, words } from "../ui.js";

const PAGE_SIZE = 20;

export function Credits() {
  const [page, setPage] = useState(1);
  const balance = useLoad(() => api.get("/credits/balance"), []);
  const ledger = useLoad(() => api.get(`/credits/transactions${api.query({ page, page_size: PAGE_SIZE })}`), [page]);
  const plans = useLoad(() => api.get("/plans", { auth: false }), []);
  const plan = plans.data?.find((p) => p.code === balance.data?.plan);
  return html`<${Page} title="Credits">
    <${ErrorNotice} error=${balance.error || ledger.error} />
    <section class="card balance" aria-labelledby="balance-heading">
      <h2 id="balance-heading">Balance</h2>
      ${balance.data
        ? html`<p class="big-number"><span id="balance">${balance.data.balance}</span> credits</p>
            <p>Plan: <strong>${plan?.name || balance.data.plan}</strong>${plan &&
              ` · ${plan.monthly_allowance} credits every month`}</p>`
        : html`<${Loading} />`}
    </section>
    <section class="card" aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">History</h2>
      ${!ledger.data
        ? html`<${Loading} />`
        : ledger.data.results.length === 0
          ? html`<p>No credit has moved yet.</p>`
          : html`<div class="table-wrap"><table>
              <caption class="visually-hidden">Credit movements, newest first</caption>
              <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Job</th>
                <th scope="col" class="num">Credits</th><th scope="col" class="num">Balance</th></tr></thead>
              <tbody>
                ${ledger.data.results.map(
                  (t) => html`<tr>
                    <td>${date(t.created_at)}</td>
                    <td>${words(t.kind)}${t.reason && html`<br /><small>${t.reason}</small>`}</td>
                    <td>${t.job ?? ""}</td>
                    <td class=${`num ${t.amount < 0 ? "minus" : "plus"}`}>${t.amount > 0 ? "+" : ""}${t.amount}</td>
                    <td class="num">${t.balance_after}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>
            <${Pager} page=${page} count=${ledger.data.count} pageSize=${PAGE_SIZE} onPage=${setPage}
              label="History pages" />`}
    </section>
  <//>`;
}
