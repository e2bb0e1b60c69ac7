"""The project page's choices of where pictures and voices come from and what the captions
show, in Chromium: saved through the project API, kept across a reload, refused in place."""

from playwright.sync_api import expect

from projects.models import Project
from tests.factories import DEFAULT_PASSWORD, ProjectFactory, UserFactory
from tests.studio.conftest import sign_in


def test_picture_voice_and_caption_choices_are_saved_and_kept_after_a_reload(
    studio, orm, page, check_page
):
    user = orm(UserFactory)
    project = orm(ProjectFactory, owner=user)
    sign_in(page, studio.url, user.email, DEFAULT_PASSWORD)
    page.goto(f"{studio.url}/projects/{project.pk}")
    pictures = page.get_by_label("Pictures", exact=True)
    voices = page.get_by_label("Voices", exact=True)
    captions = page.get_by_label("Captions", exact=True)
    expect(pictures).to_have_value("default")
    expect(captions).to_have_value("all")
    check_page(page, "project-settings")
    save = page.get_by_role("button", name="Save changes")

    # A choice the API does not know (an out-of-date page): its refusal shows under the field.
    voices.evaluate("(select) => { select.options[0].value = 'whisper'; }")
    voices.select_option("whisper")
    save.click()
    error = page.locator(f"#{voices.get_attribute('id')}-error")
    expect(error).to_contain_text("not a valid choice")
    expect(voices).to_have_attribute("aria-invalid", "true")
    assert orm(lambda: Project.objects.get(pk=project.pk).voice_source) == "default"

    pictures.select_option("stock")
    voices.select_option("elevenlabs")
    captions.select_option("dialogue")
    save.click()
    expect(page.get_by_role("button", name="Saved")).to_be_disabled()
    expect(error).to_have_count(0)

    page.reload()
    expect(pictures).to_have_value("stock")
    expect(voices).to_have_value("elevenlabs")
    expect(captions).to_have_value("dialogue")
    row = orm(
        lambda: Project.objects.values("picture_source", "voice_source", "captions").get(
            pk=project.pk
        )
    )
    assert row == {"picture_source": "stock", "voice_source": "elevenlabs", "captions": "dialogue"}
