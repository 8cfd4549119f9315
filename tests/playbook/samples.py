# A small valid playbook that the broken-file tests mutate one line at a time.

MINIMAL = """\
version: "1"
locales: [en, ja]
default_locale: en
purpose:
  message: {en: "Why we change", ja: "変える理由"}
stages:
  - key: first-steps
    title: {en: "First steps", ja: "はじめの一歩"}
    summary: {en: "Tiny things", ja: "小さなこと"}
    use_cases:
      - key: react-to-news
        title: {en: "React", ja: "リアクション"}
        why:
          en: "It is quick"
          ja: "すぐできる"
        how_to: {en: "Click the smiley", ja: "スマイルを押す"}
        training:
          lesson: {en: "Lesson", ja: "レッスン"}
          try_it: {en: "Try", ja: "試す"}
        criteria: {event: reaction_added, channel: "#company-news"}
  - key: daily-work
    title: {en: "Daily work", ja: "日々の仕事"}
    summary: {en: "Threads", ja: "スレッド"}
    required: [proj-threads]
    use_cases:
      - key: proj-threads
        title: {en: "Threads", ja: "スレッド"}
        why: {en: "Tidy", ja: "整理"}
        how_to: {en: "Reply in thread", ja: "スレッドで返信"}
        training:
          lesson: {en: "Lesson", ja: "レッスン"}
          try_it: {en: "Try", ja: "試す"}
        criteria: {event: message, channel: "#proj-*", thread_reply: true, count: 3}
channels:
  "#company-news": newsletter
  "#proj-*": projects
  "#coach-admins": admins
help:
  admin_channel: "#coach-admins"
  ambassador_default_for: [how-to]
  topics:
    - key: how-to
      title: {en: "How to", ja: "使い方"}
      keywords: {en: [how], ja: [使い方]}
      sla: {first_response_hours: 4, resolution_hours: 24}
      contacts:
        - primary: U0ADMIN001
          backup: U0ADMIN002
          hours:
            tz: Asia/Tokyo
            days: [mon, tue, wed, thu, fri]
            start: "09:00"
            end: 18:00
  faq:
    - topic: how-to
      question: {en: "Threads?", ja: "スレッドとは？"}
      answer: {en: "Side talk", ja: "返信の束"}
      keywords: {en: [thread], ja: [スレッド]}
templates:
  welcome:
    en: "Hi {name}, {purpose}"
    ja: "{name}さん、{purpose}"
  next_use_case: {en: "{use_case}", ja: "{use_case}"}
  training: {en: "{lesson}", ja: "{lesson}"}
  reinforcement: {en: "{tip}", ja: "{tip}"}
  reengage: {en: "{next_use_case}", ja: "{next_use_case}"}
  celebrate_use_case: {en: "{use_case}", ja: "{use_case}"}
  celebrate_stage: {en: "{stage}", ja: "{stage}"}
  pulse_question: {en: "How is it?", ja: "どうですか？"}
  help_follow_up: {en: "{contact}", ja: "{contact}"}
  feedback_question: {en: "{wave}: {goal}?", ja: "{wave}：{goal}？"}
phases:
  unfreeze: {intro: {en: "Why", ja: "なぜ"}}
  change: {intro: {en: "How", ja: "どう"}}
  refreeze: {intro: {en: "Keep", ja: "続ける"}, tips: [{en: "Star channels", ja: "スター"}]}
  feedback: {intro: {en: "Tell us", ja: "教えて"}}
departments:
  source: usergroup
  usergroups: {sales-team: Sales}
"""
