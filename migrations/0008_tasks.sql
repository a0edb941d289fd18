-- The work each stage creates (DOMAIN §6): a call and the month's dunning notice on entering reminder,
-- a plan offer on negotiation, the guarantor demand and a collateral revaluation on guarantor, the
-- legal packet on legal. Created by the escalation run (created_by 'policy') in the same transaction
-- as the stage change; completed by the action that does the work (a notice, a saved plan, the
-- packet) or by hand. At most one open task of a kind per loan.

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    loan_id     INTEGER NOT NULL REFERENCES loans(id),
    kind        TEXT NOT NULL CHECK (kind IN ('call', 'dunning_notice', 'guarantor_demand',
                                              'collateral_revaluation', 'legal_packet', 'plan_offer')),
    due_on      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    done_on     TEXT,
    done_by     TEXT,
    note        TEXT
);
-- One open task of a kind per loan (the run's idempotency rests on it).
CREATE UNIQUE INDEX tasks_open_loan_kind ON tasks(loan_id, kind) WHERE done_on IS NULL;
-- Open tasks by due date; the owner is the customer's assignee (customers_assignee, loans_customer).
CREATE INDEX tasks_open_due ON tasks(due_on, loan_id) WHERE done_on IS NULL;
CREATE INDEX tasks_loan ON tasks(loan_id, id);
