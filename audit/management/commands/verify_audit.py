"""``python manage.py verify_audit``: walk the audit chain and check it against the signed
checkpoints. Exit status 0 when everything verifies, 1 otherwise (one line per problem on
stderr, the first event that does not verify named last), 2 when the chain verifies but events
older than AUDIT_CHECKPOINT_MAX_AGE_MINUTES are covered by no signed checkpoint yet."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from audit.services import chain_verify_record
from audit.verification import BATCH_SIZE, verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and signed checkpoints; exit 1 if anything does not verify."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="events read per query (default %(default)s)")
        parser.add_argument("--checkpoint-dir", default=None, help="checkpoint directory (default: settings.AUDIT_CHECKPOINT_DIR)")
        parser.add_argument("--record", action="store_true", help="also record the result in the audit log (as the nightly task does)")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=[code for code, _ in settings.LANGUAGES],
                            help="language of the report (default %(default)s)")

    def handle(self, *args, batch_size, checkpoint_dir, record, language, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        with translation.override(language):
            if record:
                result = chain_verify_record(where=checkpoint_dir, batch_size=batch_size)
            else:
                result = verify_chain(batch_size=batch_size, checkpoint_dir=checkpoint_dir)
            summary = translation.gettext(
                "%(checked)s events checked in %(lanes)s lanes, %(checkpoints)s signed checkpoints."
            ) % {"checked": result.checked, "lanes": result.lanes, "checkpoints": result.checkpoints}
            if result.ok and result.unsigned_overdue:
                self.stdout.write(translation.gettext("Audit chain intact: ") + summary)
                raise CommandError(
                    translation.gettext(
                        "WARNING: %(count)s events older than %(minutes)s minutes, from #%(seq)s, are covered by no "
                        "signed checkpoint: is the checkpoint task (celery beat) running?"
                    ) % {"count": result.unsigned_overdue, "minutes": settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES,
                         "seq": result.unsigned_overdue_first_seq},
                    returncode=2,
                )
            if result.ok:
                self.stdout.write(self.style.SUCCESS(translation.gettext("Audit chain intact: ") + summary))
                return
            for problem in result.problems:
                self.stderr.write(f"{problem.kind}: {problem.message()}")
            if result.truncated_report:
                self.stderr.write(translation.gettext("(further problems not listed)"))
            self.stdout.write(summary)
            raise CommandError(
                translation.gettext("Audit chain does NOT verify: first event that does not verify: #%(seq)s (%(kind)s).") % {
                    "seq": result.first_bad_seq if result.first_bad_seq is not None else "?",
                    "kind": result.problems[0].kind,
                },
                returncode=1,
            )
