"""Every action_id, callback_id and block_id the app uses; handlers register against these."""

from __future__ import annotations

from enum import StrEnum


class HomeAction(StrEnum):
    DID_IT = "home.did_it"
    SNOOZE = "home.snooze"
    WHAT_YOU_KNOW = "home.what_you_know"
    DELETE_MY_DATA = "home.delete_my_data"
    VIEW_JOURNEY = "home.view_journey"  # an admin switches their Home to their own journey
    VIEW_ADMIN = "home.view_admin"  # … and back to the admin view
    START_AGAIN = "home.start_again"  # someone Coach stopped tracking asks to be tracked again


class HelpAction(StrEnum):
    OPEN = "help.open"  # "I need help": Home tab, every nudge, the bot DM
    TAKE = "help.take"
    ANSWERED = "help.answered"
    HAND_OVER = "help.hand_over"
    SOLVED = "help.solved"
    STILL_STUCK = "help.still_stuck"
    RATE = "help.rate"
    FAQ_SOLVED = "help.faq_solved"
    FAQ_NEED_PERSON = "help.faq_need_person"
    CONTACT_STILL_ME = "help.contact_still_me"  # evergreen: "yes, I am still the right person"
    CONTACT_NOT_ME = "help.contact_not_me"


class HelpView(StrEnum):
    ASK = "help.ask_modal"
    HAND_OVER = "help.hand_over_modal"
    # block ids (= action ids) of the modal inputs
    ASK_TOPIC = "help.ask.topic"
    ASK_QUESTION = "help.ask.question"
    HAND_OVER_TO = "help.hand_over.to"
    HAND_OVER_NOTE = "help.hand_over.note"


class NudgeAction(StrEnum):
    TRY_IT = "nudge.try_it"
    RATE = "nudge.rate"
    STOP_KIND = "nudge.stop_kind"  # "don't send me this kind"
    SNOOZE = "nudge.snooze"
    DONE = "nudge.done"
    LESSON_DONE = "nudge.lesson_done"  # a role-track lesson marked done


class AnswerAction(StrEnum):
    COMMENT = "answers.comment"  # "Add a comment" on the feedback question (opens the modal)


class AnswerView(StrEnum):
    COMMENT = "answers.comment_modal"
    DONE = "answers.done_modal"
    # block ids (= action ids) of the modal inputs
    SCORE = "answers.score"
    TEXT = "answers.text"
    SHOW_NAME = "answers.show_name"


class AdminAction(StrEnum):
    WAVE_NEW = "admin.wave_new"
    WAVE_EDIT = "admin.wave_edit"
    WAVE_START = "admin.wave_start"
    WAVE_PAUSE = "admin.wave_pause"
    WAVE_ADVANCE = "admin.wave_advance"
    WAVE_EXTEND = "admin.wave_extend"
    WAVE_ADJUST = "admin.wave_adjust"
    WAVE_RESUME = "admin.wave_resume"
    PAGE = "admin.page"  # next page; value "<wave page>:<department page>"
    PAGE_BACK = "admin.page_back"


class AdminView(StrEnum):
    WAVE_EDITOR = "admin.wave_editor"


class WaveField(StrEnum):
    """block_id and action_id of each wave editor input (errors and block_suggestion key on these)."""

    NAME = "wave.name"
    GOAL = "wave.goal"
    SPONSOR = "wave.sponsor"
    PURPOSE = "wave.purpose"
    GOAL_JA = "wave.goal_ja"
    PURPOSE_JA = "wave.purpose_ja"
    DEPARTMENTS = "wave.departments"
    USERGROUPS = "wave.usergroups"
    USERS = "wave.users"
    START_DATE = "wave.start_date"
    UNFREEZE_DAYS = "wave.unfreeze_days"
    CHANGE_DAYS = "wave.change_days"
    REFREEZE_DAYS = "wave.refreeze_days"


class AmbassadorAction(StrEnum):
    NUDGE_ONE = "amb.nudge_one"
    NUDGE_ALL = "amb.nudge_all"


class ChampionAction(StrEnum):
    INVITE = "champions.invite"  # on `/coach champions`: value is the person's user id
    ACCEPT = "champions.accept"  # on the invitation DM: value is the invitation's id
    DECLINE = "champions.decline"
    SHARE_TIP = "champions.share_tip"  # opens the tip modal


class ChampionView(StrEnum):
    TIP = "champions.tip_modal"
    TIP_TEXT = "champions.tip.text"  # block id (= action id) of the tip input


class ProgressAction(StrEnum):
    CONFIRM = "progress.confirm"  # an ambassador confirms a self-reported use case


class PrivacyView(StrEnum):
    WHAT_YOU_KNOW = "privacy.what_you_know"


class RoleAdminAction(StrEnum):
    """Admin Home buttons for ambassadors, sponsors and the help directory."""

    APPOINT = "roles.appoint"
    REMOVE = "roles.remove"
    EDIT_CONTACT = "roles.edit_contact"


class RoleAdminView(StrEnum):
    APPOINT = "roles.appoint_modal"
    REMOVE = "roles.remove_modal"
    CONTACT = "roles.contact_modal"


class RoleField(StrEnum):
    """block_id and action_id of the appoint/remove modal inputs."""

    USER = "roles.user"
    ROLE = "roles.role"
    DEPARTMENT = "roles.department"


class ContactField(StrEnum):
    """block_id and action_id of the help contact editor inputs."""

    TOPIC = "contact.topic"
    DEPARTMENT = "contact.department"
    PRIMARY = "contact.primary"
    BACKUP = "contact.backup"
    TZ = "contact.tz"
    DAYS = "contact.days"
    START = "contact.start"
    END = "contact.end"


class SetupAction(StrEnum):
    """Buttons of the first-run setup checklist (and the admin Home's way back to it)."""

    OPEN = "setup.open"
    RECHECK = "setup.recheck"
    BACK = "setup.back"
    SYNC = "setup.sync"
    CONTACTS = "setup.contacts"
    SPONSOR = "setup.sponsor"
    PILOT = "setup.pilot"


class SetupView(StrEnum):
    CONTACTS = "setup.contacts_modal"
    SPONSOR = "setup.sponsor_modal"
    PILOT = "setup.pilot_modal"


class SetupField(StrEnum):
    """block_id and action_id of the setup modals' inputs (contacts: CONTACT + slot index + role)."""

    SPONSOR = "setup.sponsor_user"
    CONTACT = "setup.contact"
    DEPARTMENT = "setup.department"
