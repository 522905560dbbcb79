-- A signed-off version of a self-assessment is frozen: its answers and evidence cannot change, and of the
-- version itself only its status moves on (submitted, returned, accepted), never back to a draft. The service
-- refuses first, with a message a person can act on; the database holds the line for anything that skips it.
CREATE FUNCTION self_assessment_refuse_frozen_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  version_status text;
BEGIN
  SELECT status INTO version_status FROM self_assessments
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.assessment_id ELSE NEW.assessment_id END;
  IF version_status IS NOT NULL AND version_status <> 'draft' THEN
    RAISE EXCEPTION 'a signed-off self-assessment cannot change: start a new version'
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER self_assessment_answers_frozen BEFORE INSERT OR UPDATE OR DELETE ON self_assessment_answers
  FOR EACH ROW EXECUTE FUNCTION self_assessment_refuse_frozen_part();
--> statement-breakpoint
CREATE TRIGGER self_assessment_evidence_frozen BEFORE INSERT OR UPDATE OR DELETE ON self_assessment_evidence
  FOR EACH ROW EXECUTE FUNCTION self_assessment_refuse_frozen_part();
--> statement-breakpoint
CREATE FUNCTION self_assessment_refuse_frozen_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'draft' AND (
    NEW.status = 'draft'
    OR NEW.narrative IS DISTINCT FROM OLD.narrative
    OR NEW.edition IS DISTINCT FROM OLD.edition
    OR NEW.org_id IS DISTINCT FROM OLD.org_id
    OR NEW.year IS DISTINCT FROM OLD.year
    OR NEW.version IS DISTINCT FROM OLD.version
    OR NEW.signed_off_by_user_id IS DISTINCT FROM OLD.signed_off_by_user_id
    OR NEW.signed_off_by_name IS DISTINCT FROM OLD.signed_off_by_name
    OR NEW.signed_off_at IS DISTINCT FROM OLD.signed_off_at
  ) THEN
    RAISE EXCEPTION 'a signed-off self-assessment cannot change: start a new version'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER self_assessments_frozen BEFORE UPDATE ON self_assessments
  FOR EACH ROW EXECUTE FUNCTION self_assessment_refuse_frozen_edit();
