-- Templates learned at the gate (owned by gateway/rooms/faces/store/learned-store.ts): a capture the
-- daemon recognised very surely becomes one more template of the resident. Kept in face_templates
-- so erasing a person or re-enrolling their photos takes them too; `learned` tells them from the
-- enrolment templates, which learning never replaces.
ALTER TABLE face_templates ADD COLUMN learned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX face_templates_learned ON face_templates(resident_id, learned);
