// Billing module.
