from apps.core.errors import message_for, register_messages


def test_default_language_is_japanese():
    assert message_for("100001") == "対象データが見つかりませんでした"
    assert message_for("300001") == "入力データが無効です"


def test_english_on_request_and_by_setting(settings):
    assert message_for("500005", "en") == "Duplicate key"
    settings.ERROR_MESSAGE_LANGUAGE = "en"
    assert message_for("200001") == "Authentication failed"


def test_unknown_code_and_unknown_language_fall_back():
    assert message_for("999999") == "不明なエラーが発生しました"
    assert message_for("999999", "en") == "An unknown error occurred"
    assert message_for("100000", "fr") == "一般エラーが発生しました"


def test_apps_register_their_own_codes():
    register_messages({"499999": {"ja": "テスト", "en": "Test"}})
    assert message_for("499999") == "テスト"
    assert message_for("499999", "en") == "Test"
