-- What the conduct rules need on record for each contact: whether the debtor asked for the time
-- (lifts quiet hours), the collector's no-disclosure acknowledgement for third parties, and the
-- supervisor's reason when a rule was overridden.

ALTER TABLE contacts ADD COLUMN debtor_asked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN no_disclosure_ack INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN override_rule TEXT;
ALTER TABLE contacts ADD COLUMN override_reason TEXT;
