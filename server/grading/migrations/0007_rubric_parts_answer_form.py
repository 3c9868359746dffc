# ruff: noqa: RUF012
from django.db import migrations

from grader import RubricError, answer_form, load_rubric_text


def answer_forms(apps, schema_editor):
    """Rubric versions stored before the parts carried their answer form get it from their source."""
    RubricVersion = apps.get_model("grading", "RubricVersion")
    for version in RubricVersion.objects.iterator():
        if all("form" in part for part in version.parts):
            continue
        try:
            rubric = load_rubric_text(version.source, f"rubric-version-{version.pk}.yaml", compile=False)
        except RubricError:
            continue  # the web form asks for text, as before
        forms = {part.id: answer_form(rubric, part) for part in rubric.parts}
        parts = [{**part, "form": forms.get(part["id"], {"kind": "text", "table": False})} for part in version.parts]
        # versions never change, but for this: the form is derived from the stored source
        RubricVersion.objects.filter(pk=version.pk).update(parts=parts)


class Migration(migrations.Migration):
    dependencies = [("grading", "0006_part_override_reason")]

    operations = [migrations.RunPython(answer_forms, migrations.RunPython.noop)]
