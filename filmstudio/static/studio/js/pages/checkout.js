// Leaving for Stripe (Checkout, the Billing Portal) and coming back. The API answers
// {id, url, kind}; the browser goes to `url`. What was bought is remembered for this tab, so
// the credits page can tell, on return, when Stripe's webhook has delivered it.
import * as api from "../api.js";

const KEY = "filmstudio.checkout";

/** POST `path` (a Checkout or portal endpoint) and send the browser to the answer's URL. */
export async function goToStripe(path, body, bought = null) {
  const redirect = await api.post(path, body);
  if (bought && redirect.kind === "checkout") {
    sessionStorage.setItem(KEY, JSON.stringify({ session: redirect.id, ...bought }));
  }
  location.assign(redirect.url);
}

/** What this tab went to buy in Checkout session `session` ({kind, code, name}), or null. */
export function boughtIn(session) {
  try {
    const bought = JSON.parse(sessionStorage.getItem(KEY));
    return bought && bought.session === session ? bought : null;
  } catch {
    return null;
  }
}

export const forgetCheckout = () => sessionStorage.removeItem(KEY);
