"""Wording around role-track lessons (the lessons themselves are playbook content): en/ja."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "track.header": {
        "en": "*Your {track} track* · lesson {number} of {total}",
        "ja": "*{track}のトラック* · レッスン {number}/{total}",
    },
    "track.try_it": {
        "en": "*Try it now:* {text}",
        "ja": "*いま試してみましょう:* {text}",
    },
    "track.done_button": {
        "en": "Done",
        "ja": "やりました",
    },
    "track.done": {
        "en": "Marked done: {lesson}. {done} of {total} lessons of your {track} track are done.",
        "ja": "完了にしました: {lesson}。{track}のトラックは {total} 件中 {done} 件が完了です。",
    },
    "track.all_done": {
        "en": "Marked done: {lesson}. That was the last lesson of your {track} track. Thank you!",
        "ja": "完了にしました: {lesson}。{track}のトラックのレッスンはこれですべてです。ありがとうございます！",
    },
    "track.gone": {
        "en": "This lesson is no longer part of your tracks.",
        "ja": "このレッスンは、あなたのトラックにはもう含まれていません。",
    },
    "nudge.kind.track_lesson": {
        "en": "role lesson",
        "ja": "役割別レッスン",
    },
}
