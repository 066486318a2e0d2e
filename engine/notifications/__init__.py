"""Notifications: written to the outbox in the transaction of their cause, mailed after commit.

- `outbox`: `Message` and `enqueue` (idempotent by key), the producers' entry point;
- `rendering`: French and English templates, plain text and HTML;
- `mailer`: SMTP from `MAILLAGE_SMTP_URL`;
- `sender`: claim due messages, send them, retry with backoff, give up into dead letters;
- `worker`: the loop `maillage worker` runs (producers' steps, then the sender).
"""
