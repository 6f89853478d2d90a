// A Billing that admits everything and records nothing: the default until billing/ provides the
// real implementation (and what `buildApp(config, { billing: unmeteredBilling })` uses where
// metering is deliberately off).
import type { Billing } from '../billing/types.js';

export const unmeteredBilling: Billing = {
  async admit() {
    return { ok: true, headers: {}, release() {} };
  },
  record() {},
  async flush() {},
};
