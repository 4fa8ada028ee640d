"""A document as a saved session (session.py writes and reads it), and a saved session's items added back to a
document: Document.to_session and Document.restore."""
from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from pathlib import Path

from ..catalog import read_entry
from ..model_names import model_name
from ..paths import shown_path
from ..seed_draws import Drawn, class_named
from ..session import Session, SessionItem
from .item import Item
from .running_jobs import loads

if TYPE_CHECKING:
    from .document import Document


def session_of(document: Document) -> Session:
    """The open items as a session, less a sample the app drew as its GAN loaded and the user left as it came: a
    restore named the last run's "seed 0" first among "your images", and the next start draws its own."""
    items = kept_items(document)
    saved = [SessionItem(i.kind, i.name, i.original, i.image, i.history, i.seed, i.psi, i.gan_class, i.draw,
                         i.asked_draw, dict(i.drawn), dict(i.step_names), dict(i.values_by_model), i.inverted_in,
                         i.exported_node, i.sent_from, dict(i.made_by), i.file, i.fit, i.source_size,
                         dict(i.latent_by_model), document.samples.step_asked(i),
                         {shape: dict(bases) for shape, bases in i.bases_by_shape.items()},
                         i.id in document.carry.left_behind, i.source, _own_model(document, i))
             for i in items]
    current = items.index(document.current) if document.current in items else 0
    models = {kind: info.path for kind, info in document.models.items()}
    identities = {kind: info.identity for kind, info in document.models.items()}
    stranded = _stranded_kinds(document, items)
    for kind, (folder, identity) in stranded.items():
        models[kind], identities[kind] = folder, identity
    return Session(saved, current, models, identities=identities,
                   labels=_labels_named(document, items, {own[1] for i in saved if (own := i.own_model)}),
                   classes={kind: info.classes for kind, info in document.models.items()})


def kept_items(document: Document) -> list[Item]:
    """The open items a session holds, which the quit question's Keep for next time counts: it promised "your 2
    open images" and the next start reopened 1, the start-up sample left out."""
    return [i for i in document.items.values() if not untouched_start_sample(document, i)]


def untouched_start_sample(document: Document, item: Item) -> bool:
    return item.id in document.samples.auto_items and as_it_came(document, item) and item.exported_node is None


def as_it_came(document: Document, item: Item) -> bool:
    """Item.as_it_came, and no step of it still being drawn (GanSamples.step_asked): a run of seed keys closed on
    as its last seed was drawn is another sample, kept as one drawn already is (the start-up's was left out)."""
    return item.as_it_came() and document.samples.step_asked(item) is None


def awaited_model(document: Document, item: Item) -> str | None:
    """The model (its path, on its way) a restored item waits for: its own, or the one its kind's restored items
    follow in its place (CarryOver.unloaded); None when its values count the model of its kind loaded now, or no
    such model is on its way. Until it comes, the model loaded moves the item along other directions than its
    values count, and draws another model's latent: its sliders showed, and edited the picture in it."""
    loaded = document.models.get(item.kind)
    if item.directions_of is None or (loaded is not None and loaded.identity == item.directions_of):
        return None
    own = document.carry.expected.get(item.kind)
    coming = [own[0]] if own is not None and own[1] == item.directions_of else []
    coming += [path] if (path := document.carry.unloaded.get(item.kind)) else []
    loading = {os.path.realpath(p) for p in document.loading_paths()}
    return next((p for p in coming if os.path.realpath(p) in loading), None)


def own_model_not_loaded(document: Document, folder: str, why: str) -> None:
    """A load of folder failed (why): where it was a restored session's model on its way (CarryOver.expected), its
    items stay as kept, in no model loaded (own_model_failed). The sliders of the model loaded showed on them as
    the load failed, and moved their latents along that model's directions, drawn by it."""
    for expected, identity, _note in document.carry.expected.values():
        if os.path.realpath(expected) == os.path.realpath(folder):
            document.failed_own[identity] = (expected, why)


def own_model_failed(document: Document, item: Item) -> tuple[str, str] | None:
    """(folder, why) of the model a restored item was made in, whose load failed, while the item's latents are
    still that model's and no model it follows is on its way (awaited_model); None otherwise. Loading a model of
    its kind (that one again, or any other, the one loaded too) carries it over (model_arrival)."""
    loaded = document.models.get(item.kind)
    if item.directions_of is None or (loaded is not None and loaded.identity == item.directions_of):
        return None
    if awaited_model(document, item) is not None:
        return None
    return document.failed_own.get(item.directions_of)


def stranded_refusal(document: Document, item: Item | None, action: str) -> str | None:
    """What an action that would draw the item, or read its latent along the loaded model's directions, says while
    its own model is on its way (awaited_model) or failed to load (own_model_failed), action first ("Not
    compared"); None when it may act. The model loaded drew the other model's latent as a picture, and read its
    values as its own directions'."""
    if item is not None and (awaited := awaited_model(document, item)) is not None:
        return f"{action}: wait for {model_name(awaited)} to load: {item.name} was made in it"
    failed = own_model_failed(document, item) if item is not None else None
    if item is None or failed is None:
        return None
    kind = item.kind.upper()
    return (f"{action}: {item.name} was made in {model_name(failed[0])}, which could not be loaded, and no other "
            f"{kind} can draw it; load a {kind} in the Models tab")


def sliders_withheld(document: Document, item: Item) -> bool:
    """Whether the loaded model's sliders and previews are kept off a restored item: its own model is on its way
    (awaited_model) or failed to load (own_model_failed)."""
    return awaited_model(document, item) is not None or own_model_failed(document, item) is not None


def _stranded_kinds(document: Document, items: list[Item]) -> dict[str, tuple[str, str]]:
    """kind -> (folder, identity) of the model that failed to load (own_model_failed) which every kept item of that
    kind was made in: the session keeps them in it, not in the model loaded, whose they are not. Saved as the loaded
    model's, a restart showed its sliders on them and drew their latents with it."""
    stranded: dict[str, tuple[str, str]] = {}
    for kind in {item.kind for item in items}:
        failed = {(own[0], item.directions_of) if (own := own_model_failed(document, item)) else None
                  for item in items if item.kind == kind}
        if len(failed) == 1 and None not in failed:
            stranded[kind] = failed.pop()
    return stranded


def _own_model(document: Document, item: Item) -> tuple[str, str] | None:
    """(folder, identity) of the model that failed to load (own_model_failed) which the item was made in and is in
    still (SessionItem.own_model); None for an item in the model loaded (or on its way)."""
    failed = own_model_failed(document, item)
    return None if failed is None or item.directions_of is None else (failed[0], item.directions_of)


def _labels_named(document: Document, items: list[Item], stranded: set[str]) -> dict[str, tuple[str, ...]]:
    """The directions' labels the items' steps are named by, by model identity: the loaded models' (their values
    count them), those of each model values were kept for (Document.direction_labels), which a restart may find
    not loaded, and those of the models failed to load that items are in still (stranded)."""
    loaded = {info.identity: info.directions.labels for info in document.models.values() if info.directions}
    known = {**document.direction_labels, **loaded}
    named = {identity for item in items for identity in item.values_by_model} | set(loaded) | stranded
    return {identity: known[identity] for identity in named if identity in known}


def restore_session(document: Document, session: Session, drop_start_sample: bool = False,
                    chosen_after: int | None = None) -> None:
    """Add a saved session's items (after the models it used, which load first: jobs run in order).
    drop_start_sample: an app starting up restores it, so the sample its GAN made meanwhile goes, if left as it
    came: for a session the user kept on quitting (it comes back as it was) and for one a crash left, as the
    question restores the user's work in its place (after a crash, a session of pictures alone kept "seed 0" beside
    them, which a kept one of the same pictures did not).
    chosen_after: the seq after which a load is the user's choice (one opened while the session waited for the
    start-up's models; one named on the command line is too: Document.named); the session's model of its kind is
    not loaded then."""
    loading = loads(document.jobs)  # seq -> path
    trained_again: list[tuple[str, str]] = []  # (kind, folder): its model loaded now holds other weights
    # kinds whose model, loaded already, is followed in place of the session's: the user's, or a bundled stand-in
    followed: list[str] = []
    for kind, saved_path in session.models.items():
        # another install's bundled folder: this one's; canonical, as loads are (Document.load_model): a session saved
        # before paths were, naming its model by a symlink, loaded it again as it loaded, or waited for it as it failed
        path = document.restored_folder(saved_path)
        path = os.path.realpath(path) if os.path.isdir(path) else path
        made_in = session.identities.get(kind)
        if _has_model(document, kind, path, made_in):
            if made_in is not None and document.models[kind].identity != made_in:  # its folder, other weights
                trained_again.append((kind, path))
            continue
        if kind == "gan" and drop_start_sample:
            # the start-up's own load of it, still on its way, counts as the restore's: arriving after the items, it
            # draws no sample beside them, as a sample drawn before them gives way to them (close_start_samples); a
            # full test run once left a "seed …" beside a restored crash session
            document.samples.restore_loads.update(seq for seq, p in loading.items() if p == path)
        if path not in loading.values():
            chosen = _chosen_instead(document, kind, chosen_after) or _named_instead(document, kind)
            if chosen is not None:
                # loaded after it, the session's model replaced it: the user's choice wins, and the session's items
                # follow it as they follow any new model (model_arrival), as a switch does
                document.message.emit(f"The session's {model_name(path)} was not loaded: you opened "
                                      f"{model_name(chosen)}")
                _follow_instead(document, kind, chosen, followed)
                continue
            if (bundled := _stand_in(document, kind, path)) is not None:
                # not loaded again (it failed), nor said again: the items follow the bundled model as they follow
                # any new one
                _follow_instead(document, kind, bundled, followed)
                continue
            seq = document.load_model(path)
            if kind == "gan":  # arriving after the items, it draws no sample beside them (GanSamples.start_sample_due)
                document.samples.restore_loads.add(seq)
            if kind in document.stand_ins:  # in the failed last model's place too: its warning stays (ModelList)
                document.stand_ins[kind] += (path,)
        if made_in is not None:  # on its way: with other weights, its arrival carries the items over
            document.carry.expect(kind, path, made_in, _trained_again_note(path, session.kept))
    for identity, labels in session.labels.items():  # a model seen this run keeps the labels it was left with
        document.direction_labels.setdefault(identity, labels)
    if drop_start_sample and (session.kept or session.items):
        # the sample a GAN loading meanwhile made (the restore question waits for an answer): the session brings
        # the user's work; one the user edited meanwhile stays (close_start_samples)
        document.samples.close_start_samples()
    added = []
    for saved in session.items:
        item = Item(document.next_id, saved.kind, saved.name, saved.original, saved.image, saved.history,
                    0, saved.seed, saved.psi, saved.gan_class, saved.draw, saved.asked_draw,
                    drawn=_named(saved.drawn, session.classes.get(saved.kind)), step_names=dict(saved.step_names),
                    values_by_model=dict(saved.values_by_model),
                    directions_of=_made_in(document, session, saved), inverted_in=saved.inverted_in,
                    sent_from=saved.sent_from, made_by=dict(saved.made_by), file=saved.file, fit=saved.fit,
                    source=saved.source, source_size=saved.source_size,
                    latent_by_model=dict(saved.latent_by_model),
                    exported_node=saved.exported,
                    bases_by_shape={shape: dict(bases) for shape, bases in saved.bases_by_shape.items()})
        document.insert_item(item, make_current=False)
        if saved.left_behind:  # its latents are another model's: carried as it is drawn
            document.carry.left_behind.add(item.id)
        if saved.step_asked is not None:
            document.samples.ask_again(item, saved.step_asked)
        added.append(item)
    if added:
        document.restored.emit(added)  # (their crop notes: encoded_message.StayingNote)
        document.make_current(added[min(session.current, len(added) - 1)], emit=False)
        for kind, path in trained_again:  # before the views show the items' values
            _follow_trained_again(document, kind, _trained_again_note(path, session.kept))
        for kind in followed:
            document.carry.follow(kind, (), document.carry.values(None, document.models[kind]))
        document.current_changed.emit(document.current)
    document.named.clear()  # the user's choice over the session's, which is back now


def _made_in(document: Document, session: Session, saved: SessionItem) -> str | None:
    """The identity of the model a restored item's values count: its kind's in the session, or its own where that
    failed to load (SessionItem.own_model), which stays its own, in no model loaded (failed_own), until its model or
    one of its kind is loaded in the Models tab: only one model of a kind is loaded, and the session's other items
    are in the one it loads."""
    if saved.own_model is None:
        return session.identities.get(saved.kind)
    folder, identity = saved.own_model
    loaded = document.models.get(saved.kind)
    if identity != session.identities.get(saved.kind) and (loaded is None or loaded.identity != identity):
        folder = document.restored_folder(folder)
        kind, others = saved.kind.upper(), "images" if saved.kind == "vae" else "samples"
        why = (f"its folder {shown_path(folder)} is gone" if not os.path.isdir(folder) else
               f"one {kind} is loaded at a time, and the other {others} kept are in "
               f"{model_name(session.models.get(saved.kind, ''))}")
        document.failed_own.setdefault(identity, (folder, why))
    return identity


def _trained_again_note(path: str, kept: bool) -> str:
    return f"{model_name(path)} was trained again since your images were {'kept' if kept else 'autosaved'}"


def _follow_trained_again(document: Document, kind: str, why: str) -> None:
    """The session's items of a kind, made in weights its folder no longer holds (trained again in place since):
    carried over to the model loaded from it as a switch from those weights carries them (model_arrival), known
    by the labels the session kept and each sample's class by its name (one without: most likely the new
    weights'); the switch's notes say why. Their latents, decoded by the new weights, were another model's
    picture, and the first slider moved turned it to garbage."""
    info = document.models[kind]
    document.carry.follow(kind, info.classes, document.carry.values(None, info), why)


def _named(drawn: dict[int, Drawn], classes: tuple[str, ...] | None) -> dict[int, Drawn]:
    """A restored item's samples, each with its class's name: a session saved before samples kept it names it by
    the classes of its model it kept (None: not kept either; CarryOver falls back on a GAN's), which a GAN opened
    beside the session must not read the index of through its own."""
    if classes is None:
        return dict(drawn)
    return {node: d if d.class_name is not None else replace(d, class_name=class_named(d.gan_class, classes))
            for node, d in drawn.items()}


def _stand_in(document: Document, kind: str, path: str) -> str | None:
    """The bundled model's folder the start-up loaded in place of the session's model of a kind, when that is the
    model it loaded last and could not load (said then: ModelList._instead_of_last); None when it is not."""
    last, bundled, *_ = document.stand_ins.get(kind, ("", ""))
    same = bool(last) and os.path.realpath(last) == os.path.realpath(path)
    return os.path.realpath(bundled) if same else None


def _follow_instead(document: Document, kind: str, model: str, followed: list[str]) -> None:
    """The session's items of a kind follow model in place of the session's: once added if it has come (followed),
    else on its arrival."""
    if _has_model(document, kind, model, None):
        followed.append(kind)
    else:
        document.carry.unloaded[kind] = model


def _named_instead(document: Document, kind: str) -> str | None:
    """The model of a kind the user named on the command line (Document.named): the newest on its way (named_kind),
    else the one loaded; None when none is. The session waited for the start-up's models, these among them, and
    then loaded its own over the user's."""
    mine = [path for path in document.loading_paths() if path in document.named and named_kind(document, path) == kind]
    info = document.models.get(kind)
    loaded = info.path if info is not None and {info.path, info.source} & document.named.keys() else None
    return mine[-1] if mine else loaded


def named_kind(document: Document, path: str) -> str | None:
    """The kind of a model named on the command line: the one its option named (--vae, --gan), else its folder's
    card's; None for a model file among the files, whose kind is known only once the worker has read it."""
    if (kind := document.named.get(path)) is not None:
        return kind
    entry = read_entry(Path(path))
    return entry.kind if entry is not None else None


def named_loads(document: Document) -> set[int]:
    """The loads on their way of models named on the command line: a kept session waits for them, an SD VAE file's
    sent again with its scale among them (the start-up's loads it waits for ended as its question was answered)."""
    return {seq for seq, path in loads(document.jobs).items() if path in document.named}


def named_unread(document: Document) -> set[int]:
    """The loads on their way of models named on the command line whose kind is not known yet (named_kind): a
    restore waits for them, as either kind may be the user's. Restored before a GAN file named among the files
    had come, a crash's session loaded its own GAN after it, over the user's."""
    return {seq for seq, path in loads(document.jobs).items()
            if path in document.named and named_kind(document, path) is None}


def _chosen_instead(document: Document, kind: str, after: int | None) -> str | None:
    """The newest model of a kind the user asked to load after seq `after`, still on its way; None when none is.
    Known by its folder's card: a model file's kind is known only once the worker has read it. Not the bundled
    model the start-up loaded in place of the last, nor the session's (stand_ins): the user did not choose them."""
    stand_ins = {os.path.realpath(p) for p in document.stand_ins.get(kind, ())[1:]}
    asked = [(seq, path) for seq, path in loads(document.jobs).items()
             if after is not None and seq > after and path not in stand_ins]
    mine = [path for _, path in asked if (entry := read_entry(Path(path))) is not None and entry.kind == kind]
    return mine[-1] if mine else None


def _has_model(document: Document, kind: str, path: str, identity: str | None) -> bool:
    """Whether the session's model of a kind is loaded: its folder, or the same weights in another folder (a copy,
    whose directions its items' values count as well; identity None: a session saved before identities were kept)."""
    info = document.models.get(kind)
    return info is not None and (info.path == path or (identity is not None and info.identity == identity))
