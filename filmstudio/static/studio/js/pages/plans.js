// Plans and credit packs: subscribe to a plan (Stripe Checkout, or the Billing Portal when a
// subscription changes plan) and buy credits (Checkout in payment mode). Nothing is granted
// here: Stripe's webhook does it once the payment succeeds (see the credits page).
import * as api from "../api.js";
import { html, useState } from "../lib.js";
import { useLocation } from "../router.js";
import { Button, ErrorNotice, Field, Loading, Notice, Page, fieldError, money, useAction, useLoad } from "../ui.js";
import { goToStripe } from "./checkout.js";

function PlanCard({ plan, current }) {
  const { busy, error, run } = useAction();
  const mine = current?.plan.code === plan.code;
  const subscribed = Boolean(current?.stripe_subscription);
  const subscribe = () =>
    run(() => goToStripe("/subscriptions/checkout", { plan: plan.code }, { kind: "plan", code: plan.code, name: plan.name }));
  const headingId = `plan-${plan.code}`;
  return html`<li class="offer card" aria-labelledby=${headingId}>
    <h3 id=${headingId}>${plan.name}</h3>
    <p class="big-number">${plan.price_cents ? money(plan.price_cents, plan.currency) : "Free"}</p>
    <p class="muted">${plan.price_cents ? `every ${plan.interval || "month"}` : "no card needed"}</p>
    <p><strong>${plan.monthly_allowance}</strong> credits every month</p>
    <${ErrorNotice} error=${error} />
    ${mine
      ? html`<p class="badge status-completed">Your plan</p>`
      : plan.purchasable &&
        html`<${Button} busy=${busy} onClick=${subscribe} aria-describedby=${headingId}>
          ${subscribed ? "Switch to this plan" : "Subscribe"}
        <//>`}
  </li>`;
}

function PackCard({ pack }) {
  const [quantity, setQuantity] = useState("1");
  const { busy, error, run } = useAction();
  const buy = (event) => {
    event.preventDefault();
    run(() =>
      goToStripe(
        "/credits/topup",
        { pack: pack.code, quantity: Number(quantity) },
        { kind: "pack", code: pack.code, name: pack.name },
      ),
    );
  };
  const headingId = `pack-${pack.code}`;
  return html`<li class="offer card" aria-labelledby=${headingId}>
    <h3 id=${headingId}>${pack.name}</h3>
    <p class="big-number">${money(pack.price_cents, pack.currency)}</p>
    <p><strong>${pack.credits}</strong> credits that never expire</p>
    ${pack.purchasable &&
    html`<form onSubmit=${buy} novalidate>
      <${ErrorNotice} error=${error} fields=${["quantity"]} />
      <${Field} label=${`How many (${pack.name})`} name="quantity" type="number" min="1" max="20"
        inputmode="numeric" value=${quantity} onInput=${(e) => setQuantity(e.target.value)}
        error=${fieldError(error, "quantity")} />
      <${Button} type="submit" busy=${busy}>Buy<//>
    </form>`}
  </li>`;
}

export function Plans() {
  const { params } = useLocation();
  const plans = useLoad(() => api.get("/plans", { auth: false }), []);
  const packs = useLoad(() => api.get("/credits/packs", { auth: false }), []);
  const current = useLoad(() => api.get("/subscriptions/current"), []);
  const actions = html`<a class="button secondary" href="/credits">Your credits</a>`;
  const onSale = [...(plans.data || []), ...(packs.data || [])].some((item) => item.purchasable);
  return html`<${Page} title="Plans and credits" actions=${actions} wide>
    ${params.get("checkout") === "cancelled" &&
    html`<${Notice}>Checkout was cancelled: nothing was charged.<//>`}
    <${ErrorNotice} error=${plans.error || packs.error || current.error} />
    ${plans.data && packs.data && !onSale && html`<${Notice}>Payments are not set up on this site yet: nothing is on sale.<//>`}
    <section aria-labelledby="plans-heading">
      <h2 id="plans-heading">Plans</h2>
      <p class="muted">A plan's credits arrive every month and expire at the month's end.</p>
      ${plans.data
        ? html`<ul class="offers">
            ${plans.data.map((plan) => html`<${PlanCard} key=${plan.code} plan=${plan} current=${current.data} />`)}
          </ul>`
        : html`<${Loading} />`}
    </section>
    <section aria-labelledby="packs-heading">
      <h2 id="packs-heading">Credit packs</h2>
      ${packs.data
        ? packs.data.length
          ? html`<ul class="offers">${packs.data.map((pack) => html`<${PackCard} key=${pack.code} pack=${pack} />`)}</ul>`
          : html`<p>No credit pack is on sale.</p>`
        : html`<${Loading} />`}
    </section>
  <//>`;
}
