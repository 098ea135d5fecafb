"""`/sqlbot pin|unpin|examples`: what the model always sees, and the verified examples."""

from __future__ import annotations

from bot import blocks, messages
from bot.admin_kit import Admins, Request
from bot.service import Service
from core.registry import find_table


class ExampleCommands:
    """Pins per channel and verified examples per connection."""

    def __init__(self, service: Service, admins: Admins) -> None:
        self.service = service
        self.admins = admins

    def pin(self, request: Request) -> None:
        connection = self.service.connection_for(request.channel)
        if connection is None:
            request.say(messages.no_connection(self.service.registry.names()))
            return
        if not request.args:
            self._say_pins(request)
            return
        schema = self.service.pipeline.databases.schema(connection)
        unknown = [a for a in request.args if find_table(schema, a) is None]
        if unknown:
            request.say(messages.no_such_table(blocks.escape(unknown[0]), connection.name))
            return
        self.service.registry.pin(request.channel, request.args, by=request.user)
        self._say_pins(request)

    def unpin(self, request: Request) -> None:
        self.service.registry.unpin(request.channel, request.args)
        self._say_pins(request)

    def examples(self, request: Request) -> None:
        connection = self.service.connection_for(request.channel)
        store = self.service.pipeline.examples
        if connection is None or store is None:
            request.say(messages.no_connection(self.service.registry.names()))
            return
        if request.args[:1] == ["remove"]:
            self._remove(request)
            return
        found = store.for_connection(connection.name)
        lines = [
            messages.example_line(e.id, blocks.escape(e.question), f"<@{e.verified_by}>")
            for e in found
        ]
        request.say(messages.examples_list(connection.name, lines))

    def _remove(self, request: Request) -> None:
        store = self.service.pipeline.examples
        if not self.admins.check(request.user, request.client):
            request.say(messages.not_admin("examples remove"))
            return
        if len(request.args) != 2 or not request.args[1].isdigit() or store is None:
            request.say(messages.EXAMPLES_USAGE)
            return
        removed = store.remove(int(request.args[1]))
        request.say(messages.example_removed(int(request.args[1]), removed))

    def _say_pins(self, request: Request) -> None:
        pins = tuple(blocks.escape(p) for p in self.service.registry.pins(request.channel))
        request.say(messages.pins_now(pins))
