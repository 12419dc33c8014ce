namespace Encore.Ledger.Journal;

/// <summary>
/// The journal's rules as the database enforces them, so no code path (nor a person with a SQL
/// prompt and the app's credentials) can rewrite history: entries and transactions refuse UPDATE,
/// DELETE and TRUNCATE, and a transaction must have exactly its declared entries, summing to zero
/// per currency. The migrations call these; the code checks the same before it inserts.
/// </summary>
internal static class LedgerRules
{
    public const string PostgresUp = """
        CREATE FUNCTION ledger.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'ledger.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
        END $$;

        CREATE TRIGGER journal_transactions_append_only BEFORE UPDATE OR DELETE ON ledger.journal_transactions
            FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
        CREATE TRIGGER journal_transactions_no_truncate BEFORE TRUNCATE ON ledger.journal_transactions
            FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();
        CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON ledger.journal_entries
            FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change();
        CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON ledger.journal_entries
            FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change();

        -- Checked at commit (deferred), when every entry of the transaction is in.
        CREATE FUNCTION ledger.check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            tx uuid;
            declared integer;
            actual integer;
            off text;
        BEGIN
            IF TG_TABLE_NAME = 'journal_entries' THEN tx := NEW.transaction_id; ELSE tx := NEW.id; END IF;
            SELECT entry_count INTO declared FROM ledger.journal_transactions WHERE id = tx;
            SELECT count(*) INTO actual FROM ledger.journal_entries WHERE transaction_id = tx;
            IF declared IS NULL OR actual <> declared THEN
                RAISE EXCEPTION 'journal transaction % has % entries, declares %', tx, actual, declared USING ERRCODE = 'check_violation';
            END IF;
            SELECT string_agg(currency || ' ' || total, ', ') INTO off FROM (
                SELECT currency, sum(amount) AS total FROM ledger.journal_entries
                WHERE transaction_id = tx GROUP BY currency HAVING sum(amount) <> 0) unbalanced;
            IF off IS NOT NULL THEN
                RAISE EXCEPTION 'journal transaction % does not balance: %', tx, off USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$;

        CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON ledger.journal_entries
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger.check_balanced();
        CREATE CONSTRAINT TRIGGER journal_transactions_balanced AFTER INSERT ON ledger.journal_transactions
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger.check_balanced();
        """;

    public const string PostgresDown = """
        DROP TRIGGER IF EXISTS journal_transactions_balanced ON ledger.journal_transactions;
        DROP TRIGGER IF EXISTS journal_entries_balanced ON ledger.journal_entries;
        DROP TRIGGER IF EXISTS journal_entries_no_truncate ON ledger.journal_entries;
        DROP TRIGGER IF EXISTS journal_entries_append_only ON ledger.journal_entries;
        DROP TRIGGER IF EXISTS journal_transactions_no_truncate ON ledger.journal_transactions;
        DROP TRIGGER IF EXISTS journal_transactions_append_only ON ledger.journal_transactions;
        DROP FUNCTION IF EXISTS ledger.check_balanced();
        DROP FUNCTION IF EXISTS ledger.refuse_change();
        """;

    // SQLite has no deferred triggers and no TRUNCATE (a DELETE without WHERE fires the delete
    // trigger). The header goes in first, declaring its entry count; the entry that completes it
    // is where the balance is checked, and an entry beyond the count is refused.
    public const string SqliteUp = """
        CREATE TRIGGER ledger_journal_transactions_no_update BEFORE UPDATE ON ledger_journal_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_journal_transactions is append-only: UPDATE refused'); END;
        CREATE TRIGGER ledger_journal_transactions_no_delete BEFORE DELETE ON ledger_journal_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_journal_transactions is append-only: DELETE refused'); END;
        CREATE TRIGGER ledger_journal_entries_no_update BEFORE UPDATE ON ledger_journal_entries
        BEGIN SELECT RAISE(ABORT, 'ledger_journal_entries is append-only: UPDATE refused'); END;
        CREATE TRIGGER ledger_journal_entries_no_delete BEFORE DELETE ON ledger_journal_entries
        BEGIN SELECT RAISE(ABORT, 'ledger_journal_entries is append-only: DELETE refused'); END;
        CREATE TRIGGER ledger_journal_entries_balanced AFTER INSERT ON ledger_journal_entries
        BEGIN
            SELECT RAISE(ABORT, 'journal transaction has more entries than it declares')
            WHERE (SELECT count(*) FROM ledger_journal_entries WHERE transaction_id = NEW.transaction_id)
                > (SELECT entry_count FROM ledger_journal_transactions WHERE id = NEW.transaction_id);
            SELECT RAISE(ABORT, 'journal transaction does not balance per currency')
            WHERE (SELECT count(*) FROM ledger_journal_entries WHERE transaction_id = NEW.transaction_id)
                = (SELECT entry_count FROM ledger_journal_transactions WHERE id = NEW.transaction_id)
              AND EXISTS (SELECT 1 FROM ledger_journal_entries WHERE transaction_id = NEW.transaction_id
                          GROUP BY currency HAVING sum(amount) <> 0);
        END;
        """;

    public const string SqliteDown = """
        DROP TRIGGER IF EXISTS ledger_journal_entries_balanced;
        DROP TRIGGER IF EXISTS ledger_journal_entries_no_delete;
        DROP TRIGGER IF EXISTS ledger_journal_entries_no_update;
        DROP TRIGGER IF EXISTS ledger_journal_transactions_no_delete;
        DROP TRIGGER IF EXISTS ledger_journal_transactions_no_update;
        """;
}
