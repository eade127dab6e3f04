"""The bot itself and the chats it is in: getMe, getChat, getChatMember, sendChatAction."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model.chats import ChatAction

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_CHAT_MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}


class ChatMethods(ApiBase):
    """What the bot can learn about itself, chats and members, and its chat actions."""

    def get_me(self, params: Params) -> dict[str, Any]:
        """getMe."""
        return {
            **self.state.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.state.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def send_chat_action(self, params: Params) -> bool:
        """sendChatAction."""
        action = str(params["action"])
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat = self.writable_chat(params["chat_id"])
        self.state.chat_actions.append(ChatAction(chat.id, action, self.state.now()))
        self.state.signal.bump()
        return True

    def get_chat(self, params: Params) -> dict[str, Any]:
        """getChat: a ChatFullInfo."""
        chat = self.chat(params["chat_id"])
        info = self.spec.synthesize("ChatFullInfo")
        info.update(chat.to_api())
        info["max_reaction_count"] = 11
        return dict(info)

    def get_chat_member(self, params: Params) -> dict[str, Any]:
        """getChatMember."""
        chat = self.chat(params["chat_id"])
        user_id = int(params["user_id"])
        user = self.state.bot if user_id == self.state.bot.id else self.state.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if user is self.state.bot:
            status = "member" if chat.type == "private" else chat.bot_status
        elif chat.type == "private":
            status = "member" if chat.id == user_id else "left"
        elif user_id in chat.administrators:
            status = "administrator"
        else:
            status = "member" if user_id in chat.members else "left"
        member = dict(self.spec.synthesize(_CHAT_MEMBER_TYPES[status]))
        member.update(status=status, user=user.to_api())
        return member
