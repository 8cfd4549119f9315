"""Wording around answers to the feedback gate's question: fallbacks, the comment modal, replies (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "answers.fallback.wave": {
        "en": "this wave",
        "ja": "このウェーブ",
    },
    "answers.fallback.goal": {
        "en": "getting more of our work done in Slack",
        "ja": "Slackでもっと仕事を進めること",
    },
    "answers.add_comment": {
        "en": "Add a comment",
        "ja": "コメントを書く",
    },
    "answers.counted": {
        "en": "Thanks: your {score}/5 is counted. Want to say more? Add a comment (anonymous unless you choose "
        "to show your name).",
        "ja": "ありがとうございます。{score}/5 の回答を受け付けました。"
        "もっと伝えたいことがあれば、コメントを書いてください（名前を表示すると選ばない限り匿名です）。",
    },
    "answers.already": {
        "en": "Your answer is already counted: each question counts once.",
        "ja": "この質問への回答はすでに受け付けています（回答は1回だけ数えます）。",
    },
    "answers.closed": {
        "en": "This feedback round is over, so answers are no longer counted. Thank you all the same!",
        "ja": "このフィードバックの回は終了したため、回答は数えられません。ご協力ありがとうございます。",
    },
    "answers.unknown": {
        "en": "Coach could not find this question for you. Answer from the message Coach sent you.",
        "ja": "このご質問が見つかりませんでした。Coachから届いたメッセージから回答してください。",
    },
    "answers.modal.title": {
        "en": "Your feedback",
        "ja": "フィードバック",
    },
    "answers.modal.submit": {
        "en": "Send",
        "ja": "送信",
    },
    "answers.modal.close": {
        "en": "Cancel",
        "ja": "キャンセル",
    },
    "answers.modal.done": {
        "en": "Close",
        "ja": "閉じる",
    },
    "answers.modal.about": {
        "en": "About *{wave}*, before the next group starts.",
        "ja": "次のグループが始まる前に、「{wave}」についてお聞かせください。",
    },
    "answers.modal.rated": {
        "en": "You rated it {score}/5.",
        "ja": "評価: {score}/5",
    },
    "answers.modal.score": {
        "en": "How well is it working for you? (1 = not at all, 5 = very well)",
        "ja": "ここまでどうですか？（1＝まったく、5＝とても良い）",
    },
    "answers.modal.comment": {
        "en": "Comment",
        "ja": "コメント",
    },
    "answers.modal.comment_hint": {
        "en": "Coach keeps up to 2,000 characters.",
        "ja": "2,000文字まで保存します。",
    },
    "answers.modal.show_name": {
        "en": "Show my name with this comment",
        "ja": "このコメントに名前を表示する",
    },
    "answers.modal.anonymous": {
        "en": "Anonymous unless you tick this: admins see your words without your name.",
        "ja": "チェックしない限り匿名です。管理者にはお名前なしでコメントだけが表示されます。",
    },
    "answers.modal.thanks": {
        "en": "Thanks: your answer is counted.",
        "ja": "ありがとうございます。回答を受け付けました。",
    },
    "answers.modal.trimmed": {
        "en": "Your comment had {length} characters; Coach kept the first {kept}.",
        "ja": "コメントは{length}文字ありました。最初の{kept}文字を保存しました。",
    },
    "answers.error.score": {
        "en": "Choose a number from 1 to 5.",
        "ja": "1〜5の数字を選んでください。",
    },
    "answers.error.comment": {
        "en": "Write a comment (or press Cancel): your rating is already counted.",
        "ja": "コメントを書いてください（評価はすでに受け付けています）。不要ならキャンセルを押してください。",
    },
    "answers.error.malformed": {
        "en": "Coach could not read this field; try again.",
        "ja": "この項目を読み取れませんでした。もう一度お試しください。",
    },
    "answers.error.stale": {
        "en": "This form is out of date; open it again from Coach's message.",
        "ja": "このフォームは古くなっています。Coachのメッセージからもう一度開いてください。",
    },
}
