"""Wording of the first-run setup checklist in the admin Home tab and its modals (en/ja)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "setup.not_admin": {
        "en": "Only Coach admins can set Coach up.",
        "ja": "Coach をセットアップできるのは Coach の管理者だけです。",
    },
    "setup.pilot.name": {"en": "Pilot", "ja": "パイロット"},
    "setup.title": {"en": "Set up Coach", "ja": "Coach のセットアップ"},
    "setup.intro": {
        "en": "{done} of {total} done. Each step says what to do next; the checklist updates when you act.",
        "ja": "{total} 項目中 {done} 項目が完了。各項目に次にす"
        "ることが書いてあります。操作するとチェックリストが更新されます。",
    },
    "setup.next": {"en": "Next: {text}", "ja": "次に: {text}"},
    "setup.recheck": {"en": "Check again", "ja": "もう一度確認"},
    "setup.back": {"en": "Rollout view", "ja": "ロールアウト画面"},
    "setup.open": {"en": "Setup checklist", "ja": "セットアップ"},
    # tokens and scopes
    "setup.tokens.title": {"en": "Tokens and scopes", "ja": "トークンとスコープ"},
    "setup.tokens.ok": {
        "en": "The bot token works and every scope Coach needs is granted.",
        "ja": "ボットトークンは有効で、Coach に必要なスコープはすべて付与されています。",
    },
    "setup.tokens.failed": {
        "en": "Slack refused the bot token ({code}).",
        "ja": "Slack がボットトークンを拒否しました（{code}）。",
    },
    "setup.tokens.missing": {"en": "Missing scopes: {scopes}.", "ja": "不足しているスコープ: {scopes}。"},
    "setup.tokens.optional": {
        "en": "Optional, not granted (a feature is off): {scopes}.",
        "ja": "任意のスコープで未付与（一部の機能がオフ）: {scopes}。",
    },
    "setup.tokens.next_failed": {
        "en": "Reinstall the app at api.slack.com/apps and put the new xoxb- token in SLACK_BOT_TOKEN.",
        "ja": "api.slack.com/apps でアプリを再インストールし、新しい "
        "xoxb- トークンを SLACK_BOT_TOKEN に設定してください。",
    },
    "setup.tokens.next_missing": {
        "en": "Add the missing scopes under OAuth & Permissions at api.slack.com/apps and reinstall the app.",
        "ja": "api.slack.com/apps の OAuth & Permissi"
        "ons で不足しているスコープを追加し、アプリを再インストールしてください。",
    },
    "setup.tokens.next_ok": {"en": "Nothing to do.", "ja": "対応は不要です。"},
    # channels
    "setup.channels.title": {
        "en": "Coach in the playbook's channels",
        "ja": "プレイブックのチャンネルへの Coach の招待",
    },
    "setup.channels.ok": {
        "en": "Coach is in all {n} channels the playbook names.",
        "ja": "プレイブックにある {n} 個のチャンネルすべてに Coach が参加しています。",
    },
    "setup.channels.missing": {
        "en": "Coach is not in {channels}.",
        "ja": "Coach が参加していないチャンネル: {channels}。",
    },
    "setup.channels.unknown": {
        "en": "Coach could not list the channels ({code}).",
        "ja": "Coach はチャンネル一覧を取得できませんでした（{code}）。",
    },
    "setup.channels.next_missing": {
        "en": "In each of these channels type /invite @Coach, then press Check again.",
        "ja": "それぞれのチャンネルで /invite @Coach と入力し、「もう一度確認」を押してください。",
    },
    "setup.channels.next_ok": {
        "en": "Nothing to do; invite Coach to new project channels as you create them.",
        "ja": "対応は不要です。新しいプロジェクトチャンネルを作ったら Coach を招待してください。",
    },
    # people
    "setup.people.title": {"en": "People synced", "ja": "メンバーの同期"},
    "setup.people.none": {"en": "Coach knows nobody yet.", "ja": "Coach はまだ誰も知りません。"},
    "setup.people.some": {
        "en": "Coach knows {n} active people (last sync: {when}).",
        "ja": "Coach が把握しているアクティブなメンバーは {n} 人です（最終同期: {when}）。",
    },
    "setup.people.never": {"en": "never", "ja": "未実施"},
    "setup.people.button": {"en": "Sync people", "ja": "メンバーを同期"},
    "setup.people.next_none": {
        "en": "Press Sync people to read everyone from Slack.",
        "ja": "「メンバーを同期」を押して Slack から全員を読み込んでください。",
    },
    "setup.people.next_ok": {
        "en": "Nothing to do: Coach syncs every {hours} hours and whenever someone joins or edits their profile.",
        "ja": "対応は不要です。Coach は {hours} 時間ごとと、メンバーの参加やプロフィール変更のたびに同期します。",
    },
    "setup.people.next_problem": {
        "en": "Fix the playbook or the scope named above, then press Sync people.",
        "ja": "上に書かれたプレイブックの設定またはスコープを直してから、「メンバーを同期」を押してください。",
    },
    "setup.people.changes": {
        "en": "Last sync: {added} added, {updated} updated, {deactivated} deactivated.",
        "ja": "前回の同期: 追加 {added} 人、更新 {updated} 人、無効化 {deactivated} 人。",
    },
    "setup.people.unfinished": {
        "en": "A sync started {when} has not finished; the next sync resumes where it stopped.",
        "ja": "{when} に始まった同期が終わっていません。次の同期は止まったところから再開します。",
    },
    "setup.people.problem.missing_field": {
        "en": "The profile field “{detail}” does not exist in this workspace: name an existing field in the playbook.",
        "ja": "プロフィール項目「{detail}」はこのワークスペースにありません。"
        "プレイブックには既存の項目名を指定してください。",
    },
    "setup.people.problem.profile_error": {
        "en": "Custom profile fields could not be read ({detail}): add the users.profile:read scope.",
        "ja": "カスタムプロフィール項目を読めませんでした（{detail}）。users.profile:read スコープを追加してください。",
    },
    "setup.people.problem.csv_missing": {
        "en": "The departments CSV {detail} does not exist.",
        "ja": "部署の CSV {detail} が見つかりません。",
    },
    "setup.people.problem.csv_bad": {
        "en": "The departments CSV was not applied: {detail}",
        "ja": "部署の CSV は反映されませんでした: {detail}",
    },
    # departments
    "setup.departments.title": {"en": "Departments found", "ja": "部署の検出"},
    "setup.departments.where.profile_field": {
        "en": "Departments come from the profile field “{detail}”.",
        "ja": "部署はプロフィール項目「{detail}」から読み取ります。",
    },
    "setup.departments.where.usergroup": {
        "en": "Departments come from the user groups {detail}.",
        "ja": "部署はユーザーグループ {detail} から読み取ります。",
    },
    "setup.departments.where.csv": {
        "en": "Departments come from a CSV import ({detail}).",
        "ja": "部署は CSV の取り込み（{detail}）から読み取ります。",
    },
    "setup.departments.count": {
        "en": "{departments} departments; {missing} of {people} people have none.",
        "ja": "部署は {departments} 個。{people} 人中 {missing} 人は部署がありません。",
    },
    "setup.departments.next_missing": {
        "en": "Fill in that field for the people without one (or ch"
        "ange `departments` in the playbook), then sync again.",
        "ja": "部署のないメンバーのその項目を入力する（またはプレイブックの `"
        "departments` を変更する）と、次の同期で反映されます。",
    },
    "setup.departments.next_ok": {"en": "Nothing to do.", "ja": "対応は不要です。"},
    # help contacts
    "setup.contacts.title": {"en": "Help contacts", "ja": "問い合わせ先"},
    "setup.contacts.ok": {
        "en": "All {n} help contacts are real, active people.",
        "ja": "{n} 件の問い合わせ先はすべて実在するアクティブなメンバーです。",
    },
    "setup.contacts.bad": {
        "en": "{bad} of {n} help contacts need a real person: {who}.",
        "ja": "{n} 件中 {bad} 件の問い合わせ先に実在のメンバーが必要です: {who}。",
    },
    "setup.contacts.button": {"en": "Pick help contacts…", "ja": "問い合わせ先を選ぶ…"},
    "setup.contacts.next_bad": {
        "en": "Press Pick help contacts and choose a real, active person for each help topic.",
        "ja": "「問い合わせ先を選ぶ」を押して、各トピックに実在するアクティブなメンバーを選んでください。",
    },
    "setup.contacts.next_ok": {
        "en": "Nothing to do; contacts confirm every 90 days that they are still the right person.",
        "ja": "対応は不要です。問い合わせ先には 90 日ごとに担当の継続を確認します。",
    },
    # sponsor
    "setup.sponsor.title": {"en": "Executive sponsor", "ja": "エグゼクティブスポンサー"},
    "setup.sponsor.ok": {
        "en": "<@{user}> signs the welcome every wave member receives.",
        "ja": "<@{user}> さんの名前でウェーブの参加者に歓迎メッセージが届きます。",
    },
    "setup.sponsor.none": {"en": "No sponsor yet.", "ja": "スポンサーはまだいません。"},
    "setup.sponsor.bad": {
        "en": "The sponsor {user} {problem}.",
        "ja": "スポンサー {user} は{problem}。",
    },
    "setup.sponsor.button": {"en": "Pick the sponsor…", "ja": "スポンサーを選ぶ…"},
    "setup.sponsor.next_bad": {
        "en": "Press Pick the sponsor and choose the executive who asks everyone to take part.",
        "ja": "「スポンサーを選ぶ」を押して、全員に参加を呼びかける役員を選んでください。",
    },
    "setup.sponsor.next_ok": {
        "en": "Nothing to do; Coach will suggest lessons to the sponsor too.",
        "ja": "対応は不要です。スポンサーにも Coach からレッスンが届きます。",
    },
    # ambassadors
    "setup.ambassadors.title": {"en": "Ambassadors", "ja": "アンバサダー"},
    "setup.ambassadors.count": {"en": "{n} ambassadors appointed.", "ja": "{n} 人のアンバサダーが任命済みです。"},
    "setup.ambassadors.button": {"en": "Appoint…", "ja": "任命…"},
    "setup.ambassadors.next_none": {
        "en": "Press Appoint and name at least one ambassador for the pilot department.",
        "ja": "「任命」を押して、パイロット部署のアンバサダーを少なくとも 1 人任命してください。",
    },
    "setup.ambassadors.next_ok": {
        "en": "Appoint one for each department before it joins a wave.",
        "ja": "各部署がウェーブに入る前に、部署ごとに 1 人任命してください。",
    },
    # pilot
    "setup.pilot.title": {"en": "The pilot wave", "ja": "パイロットウェーブ"},
    "setup.pilot.none": {
        "en": "No wave yet. A pilot is your ambassadors plus one department.",
        "ja": "ウェーブはまだありません。パイロットはアンバサダー全員と 1 つの部署です。",
    },
    "setup.pilot.exists": {"en": "A first wave exists.", "ja": "最初のウェーブがあります。"},
    "setup.pilot.button": {"en": "Create the pilot wave…", "ja": "パイロットウェーブを作る…"},
    "setup.pilot.next_none": {
        "en": "Press Create the pilot wave, pick the department, then press Start on the wave.",
        "ja": "「パイロットウェーブを作る」で部署を選び、ウェーブの「開始」を押してください。",
    },
    "setup.pilot.next_blocked": {
        "en": "Sync people first: the pilot needs a department to start with.",
        "ja": "先にメンバーを同期してください。パイロットには部署が必要です。",
    },
    "setup.pilot.next_ok": {
        "en": "Run it from the rollout view: pause for feedback at the gate, then the next wave.",
        "ja": "ロールアウト画面で進めてください。ゲートでフィードバックを聞き、次のウェーブへ。",
    },
    # problems (after a person's id or name)
    "setup.problem.placeholder": {
        "en": "is a placeholder from the bundled playbook",
        "ja": "同梱プレイブックの仮の ID です",
    },
    "setup.problem.unknown": {"en": "does not exist in this workspace", "ja": "このワークスペースに存在しません"},
    "setup.problem.unreachable": {"en": "could not be looked up", "ja": "確認できませんでした"},
    "setup.problem.bot": {"en": "is a bot, not a person", "ja": "ボットです（人ではありません）"},
    "setup.problem.deactivated": {"en": "is deactivated", "ja": "無効化されています"},
    "setup.problem.guest": {"en": "is a guest", "ja": "ゲストです"},
    "setup.field.unfit": {
        "en": "Choose someone else: this account {problem}.",
        "ja": "別の人を選んでください。このアカウントは{problem}。",
    },
    "setup.field.required": {"en": "Choose a person.", "ja": "メンバーを選んでください。"},
    # modals
    "setup.modal.save": {"en": "Save", "ja": "保存"},
    "setup.modal.cancel": {"en": "Cancel", "ja": "キャンセル"},
    "setup.sponsor.modal_title": {"en": "Executive sponsor", "ja": "スポンサー"},
    "setup.sponsor.modal_intro": {
        "en": "The executive who visibly uses Slack and asks everyone to take part. Their name opens every welcome.",
        "ja": "自ら Slack を使い、全員に参加を呼びかける役員です。歓迎メッセージの冒頭にこの人の名前が出ます。",
    },
    "setup.sponsor.field": {"en": "Sponsor", "ja": "スポンサー"},
    "setup.contacts.modal_title": {"en": "Help contacts", "ja": "問い合わせ先"},
    "setup.contacts.modal_intro": {
        "en": "Questions on each topic go to its contact, then the backup. Hours stay as in the playbook.",
        "ja": "各トピックの質問は担当者に、次に代理に届きます。対応時間はプレイブックのとおりです。",
    },
    "setup.contacts.primary": {"en": "{topic}: contact", "ja": "{topic}: 担当者"},
    "setup.contacts.backup": {"en": "{topic}: backup", "ja": "{topic}: 代理"},
    "setup.pilot.modal_title": {"en": "Pilot wave", "ja": "パイロットウェーブ"},
    "setup.pilot.modal_create": {"en": "Create", "ja": "作成"},
    "setup.pilot.modal_intro": {
        "en": "The pilot is your {n} ambassadors plus one department: a first group to learn from, then a pause "
        "for feedback before the next. Goal: {goal}",
        "ja": "パイロットは任命済みのアンバサダー {n} 人と 1 つの部署で"
        "す（最初のグループで試し、フィードバックのために立ち止まります）。"
        "目標: {goal}",
    },
    "setup.pilot.department": {"en": "Department", "ja": "部署"},
    "setup.pilot.no_department": {"en": "Choose a department.", "ja": "部署を選んでください。"},
}
