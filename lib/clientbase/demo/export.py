"""Writing the demo world as 1C users save it: cp1251 CSV with `;` and decimal commas, XLSX,
or typed Parquet; Russian headers; order lines with documents named as 1C names them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clientbase.demo.cards import _digits_text
from clientbase.demo.deals import _REASONS as _DEAL_REASONS
from clientbase.demo.deals import DEAL_SOURCES, STAGES
from clientbase.demo.loyalty import LEVELS
from clientbase.demo.model import _Calendar, _World
from clientbase.demo.orders import _year
from clientbase.demo.vocabulary import (
    _CATEGORIES,
    _DOCS_PER_CHUNK,
    _FILES_1C,
    _GROUP_MEMBERS,
    _GROUP_WEIGHTS,
    _GROUPS,
    _KIND_RU,
    _LINES_PER_DOCUMENT,
    _LINES_WEIGHTS,
    _MANAGERS,
    _NBSP,
    _PRICE_GROWTH,
    _PRODUCT_COST_RATIO,
    _PRODUCT_IDS,
    _PRODUCT_NAME,
    _PRODUCT_PRICE,
    _PRODUCT_STEP,
    _REGIONS,
    _SOURCES,
    _STATUS_TEXT,
    _TYPE_CODES,
    _TYPE_RU,
)


def _labels(index: np.ndarray, labels: tuple[str, ...]) -> pd.Series:
    """Labels by position, NA for -1."""
    values = np.array(labels, dtype=object)[np.maximum(index, 0)]
    return pd.Series(values, dtype="str").where(index >= 0)


def _ru_numbers(values: np.ndarray, decimals: int) -> pd.Series:
    """Numbers as 1C writes them: ``18 450,00`` with an NBSP between thousands, decimal comma."""
    unit = 10**decimals
    scaled = np.rint(np.asarray(values, dtype=float) * unit).astype(np.int64)
    whole = pd.Series(np.abs(scaled) // unit, dtype="int64").astype("str")
    length = whole.str.len().to_numpy()
    text = whole.copy()
    for width in np.unique(length[length > 3]):
        rows = length == width
        sub = whole[rows]
        head = int(width) % 3 or 3
        joined = sub.str[:head]
        for at in range(head, int(width), 3):
            joined = joined + _NBSP + sub.str[at:at + 3]
        text[rows] = joined
    if decimals:
        text = text + "," + pd.Series(np.abs(scaled) % unit, dtype="int64").astype("str").str.zfill(decimals)
    return text.where(scaled >= 0, "-" + text)


def _ru_dates(days: np.ndarray, cal: _Calendar, *, known: np.ndarray | None = None) -> pd.Series:
    text = pd.Series(cal.dates(days)).dt.strftime("%d.%m.%Y").astype("str")
    return text if known is None else text.where(known)


def _dates(days: np.ndarray, cal: _Calendar, *, known: np.ndarray | None = None) -> pd.Series:
    values = pd.Series(cal.dates(days).astype("datetime64[s]"))
    return values if known is None else values.where(known)


def _write_table(frame: pd.DataFrame, path: Path, dialect: str, *, append: bool = False) -> None:
    """One table to one file: ``1c`` (cp1251, ``;``, CRLF, raw quotes as 1C leaves them),
    ``parquet``, or ``canonical`` (UTF-8, comma, LF) for the truth."""
    if dialect == "parquet":
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    elif dialect == "1c":
        # 1C writes cells as they are, quotes included; ours never hold ";" or a line break
        line = pd.Series("", index=frame.index, dtype="str")
        for i, col in enumerate(frame.columns):
            cell = frame[col].astype("str").fillna("")
            if cell.str.contains(r"[;\r\n]", regex=True).any():
                raise ValueError(f"demo generator: a {col!r} cell holds a separator")
            line = cell if i == 0 else line + ";" + cell
        rows = ([";".join(frame.columns)] if not append else []) + line.tolist()
        with open(path, "ab" if append else "wb") as handle:
            handle.write(("\r\n".join(rows) + "\r\n").encode("cp1251"))
    else:
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", na_rep="")


def _export_tables(world: _World, file_format: str) -> dict[str, pd.DataFrame]:
    """Every table but the order lines, as the chosen format spells it."""
    cal, cust = world.cal, world.customers
    code, name = cust["code"].to_numpy(), cust["name"].to_numpy()
    order = np.argsort(code, kind="stable")
    c = cust.iloc[order]
    terms = world.settlements["terms"].iloc[order]
    manager = _labels(c["manager"].to_numpy(), _MANAGERS)
    source = _labels(c["source"].to_numpy(), _SOURCES)
    category = _labels(c["category"].to_numpy(), _CATEGORIES)
    region = _labels(c["region"].to_numpy(), tuple(r for r, _, _ in _REGIONS)).where(c["region_known"].to_numpy())

    contacts = world.contacts.assign(owner_code=code[world.contacts["owner"].to_numpy()])
    contacts = contacts.iloc[np.lexsort((np.arange(len(contacts)), contacts["owner_code"]))].reset_index(drop=True)
    contacts["code"] = "00-" + _digits_text(np.arange(1, len(contacts) + 1), 6).to_numpy()

    camps = world.campaigns
    cid_code = pd.Series(camps["code"].to_numpy(), index=camps["cid"].to_numpy())
    members = world.members.assign(
        campaign_code=cid_code.reindex(world.members["campaign"].to_numpy()).to_numpy(),
        owner_code=code[world.members["owner"].to_numpy()],
        target=(world.members["group"] == "target").to_numpy(),
    )
    members = members.sort_values(["campaign_code", "target", "owner_code"], ascending=[True, False, True],
                                  kind="stable").reset_index(drop=True)
    leads = world.leads
    converted = leads["owner"].to_numpy() >= 0
    lead_owner = np.maximum(leads["owner"].to_numpy(), 0)
    lead_source = _labels(leads["source"].to_numpy(), _SOURCES)

    if file_format == "1c":
        return {
            "customers": pd.DataFrame({
                "Код": c["code"].to_numpy(), "Наименование": c["name"].to_numpy(),
                "Полное наименование": c["full_name"].to_numpy(), "ИНН": c["inn"].to_numpy(),
                "КПП": c["kpp"].to_numpy(), "Вид контрагента": np.array(_TYPE_RU)[c["ctype"].to_numpy()],
                "Основной менеджер": manager.to_numpy(), "Источник привлечения": source.to_numpy(),
                "Категория": category.to_numpy(), "Бизнес-регион": region.to_numpy(),
                "Телефон": c["phone"].to_numpy(), "Электронная почта": c["email"].to_numpy(),
                "Дата создания": _ru_dates(c["created_day"].to_numpy(), cal).to_numpy(),
                "Пометка удаления": np.where(c["is_deleted"].to_numpy(), "Да", "Нет"),
                "Отсрочка платежа": terms["payment_terms_days"].to_numpy().astype(np.int64).astype(str),
                "Сумма кредита": _ru_numbers(np.nan_to_num(terms["credit_limit"].to_numpy()), 2).where(
                    ~np.isnan(terms["credit_limit"].to_numpy())).to_numpy(),
                "Лояльность": _labels(c["loyalty"].to_numpy(), LEVELS).to_numpy(),
            }),
            "contacts": pd.DataFrame({
                "Код": contacts["code"], "Код контрагента": contacts["owner_code"],
                "Контактное лицо": contacts["name"], "Должность": contacts["role"],
                "Телефон": contacts["phone"], "Электронная почта": contacts["email"],
            }),
            "campaigns": pd.DataFrame({
                "Код": camps["code"], "Наименование": camps["name"], "Канал": camps["channel"],
                "Вид кампании": camps["kind"].map(_KIND_RU),
                "Дата начала": _ru_dates(camps["start_day"].to_numpy(), cal),
                "Дата окончания": _ru_dates(camps["end_day"].to_numpy(), cal),
                "Бюджет": _ru_numbers(camps["cost"].to_numpy(), 2),
            }),
            "campaign_members": pd.DataFrame({
                "Код кампании": members["campaign_code"], "Контрагент": name[members["owner"].to_numpy()],
                "Группа": np.where(members["target"], "Целевая", "Контрольная"),
                "Дата контакта": _ru_dates(members["day"].to_numpy(), cal),
            }),
            "leads": pd.DataFrame({
                "Номер": leads["code"], "Дата": _ru_dates(leads["day"].to_numpy(), cal),
                "Источник привлечения": lead_source, "Код кампании": leads["campaign_code"],
                "Контрагент": pd.Series(name[lead_owner], dtype="str").where(converted),
                "Дата конверсии": _ru_dates(leads["converted_day"].to_numpy(), cal, known=converted),
            }),
        }
    return {
        "customers": pd.DataFrame({
            "customer_id": c["code"].to_numpy(), "name": c["name"].to_numpy(), "inn": c["inn"].to_numpy(),
            "kpp": c["kpp"].to_numpy(), "customer_type": np.array(_TYPE_CODES)[c["ctype"].to_numpy()],
            "manager": manager.to_numpy(), "source": source.to_numpy(), "category": category.to_numpy(),
            "region": region.to_numpy(), "email": c["email"].to_numpy(), "phone": c["phone"].to_numpy(),
            "created_at": _dates(c["created_day"].to_numpy(), cal).to_numpy(),
            "is_deleted": c["is_deleted"].to_numpy(),
            "payment_terms_days": terms["payment_terms_days"].to_numpy(),
            "credit_limit": terms["credit_limit"].to_numpy(),
            "loyalty": _labels(c["loyalty"].to_numpy(), LEVELS).to_numpy(),
        }).astype({k: "str" for k in ("customer_id", "name", "inn", "kpp", "customer_type", "manager", "source",
                                      "category", "region", "email", "phone", "loyalty")}),
        "contacts": pd.DataFrame({
            "contact_id": contacts["code"], "customer_id": contacts["owner_code"], "name": contacts["name"],
            "role": contacts["role"], "email": contacts["email"], "phone": contacts["phone"],
        }).astype("str"),
        "campaigns": pd.DataFrame({
            "campaign_id": camps["code"], "name": camps["name"], "channel": camps["channel"], "kind": camps["kind"],
            "start_date": _dates(camps["start_day"].to_numpy(), cal),
            "end_date": _dates(camps["end_day"].to_numpy(), cal), "cost": camps["cost"].astype(float),
        }),
        "campaign_members": pd.DataFrame({
            "campaign_id": members["campaign_code"].astype("str"), "customer_id": members["owner_code"].astype("str"),
            "group": members["group"].astype("str"), "contacted_at": _dates(members["day"].to_numpy(), cal),
        }),
        "leads": pd.DataFrame({
            "lead_id": leads["code"].astype("str"), "created_at": _dates(leads["day"].to_numpy(), cal),
            "source": lead_source, "campaign_id": leads["campaign_code"].astype("str"),
            "customer_id": pd.Series(code[lead_owner], dtype="str").where(converted),
            "converted_at": _dates(leads["converted_day"].to_numpy(), cal, known=converted),
        }),
    }


def _write_export(world: _World, folder: Path, file_format: str, seed: int, say: Callable[[str], None]) -> dict:
    """Write the six tables; returns the counts and each campaign's planted revenue."""
    tables = _export_tables(world, file_format)
    dialect = "1c" if file_format == "1c" else "parquet"

    def path(table: str) -> Path:
        return folder / (_FILES_1C[table] if dialect == "1c" else f"{table}.parquet")

    _write_table(tables["customers"], path("customers"), dialect)
    _write_table(tables["contacts"], path("contacts"), dialect)
    counts = _write_orders(world, path("orders"), dialect, seed, say)
    for table in ("campaigns", "campaign_members", "leads"):
        _write_table(tables[table], path(table), dialect)
    for table, frame in _settlement_tables(world, dialect).items():
        _write_table(frame, path(table), dialect)
    for table, frame in _deal_tables(world, dialect).items():
        _write_table(frame, path(table), dialect)
    return counts


def _lines(rng: np.random.Generator, docs: pd.DataFrame, category: np.ndarray, cal: _Calendar) -> pd.DataFrame:
    """Lines of documents: 2-6 products of the customer's category (a return: one), each
    line's amount near the document's amount / lines, quantities in the product's steps."""
    kind = docs["kind"].to_numpy()
    count = np.where(kind == 1, 1, rng.choice(_LINES_PER_DOCUMENT, len(docs), p=_LINES_WEIGHTS))
    doc = np.repeat(np.arange(len(docs)), count)
    # the lines share the document's amount: what the customer meant to spend is what varies
    weight = rng.lognormal(0.0, 0.5, len(doc))
    share = weight / np.bincount(doc, weights=weight, minlength=len(docs))[doc]
    target = np.abs(docs["target"].to_numpy())[doc] * share
    cat = category[docs["owner"].to_numpy()[doc]]
    cat = np.where(cat < 0, len(_CATEGORIES), cat)
    u = rng.random(len(doc))
    group = np.zeros(len(doc), dtype=np.int64)
    cumulative = np.cumsum(_GROUP_WEIGHTS, axis=1)
    for k in range(len(cumulative)):
        rows = cat == k
        group[rows] = np.minimum(np.searchsorted(cumulative[k], u[rows] * cumulative[k, -1], side="right"),
                                 len(_GROUPS) - 1)
    product = np.zeros(len(doc), dtype=np.int64)
    u = rng.random(len(doc))
    for g, members in enumerate(_GROUP_MEMBERS):
        rows = group == g
        smallest = _PRODUCT_PRICE[members] * _PRODUCT_STEP[members]  # the least one can buy of it
        allowed = np.maximum(1, np.searchsorted(smallest, target[rows] * 1.2, side="right"))
        product[rows] = members[np.floor(u[rows] * allowed).astype(np.int64)]
    day = docs["day"].to_numpy()[doc]
    price = np.round(_PRODUCT_PRICE[product] * (1 + _PRICE_GROWTH) ** ((day - cal.as_of_day) / 365.25), 2)
    step = _PRODUCT_STEP[product]
    quantity = np.maximum(step, np.round(target / price / step) * step) * np.where(kind[doc] == 1, -1, 1)
    amount = np.round(quantity * price, 2)
    cost = np.round(amount * _PRODUCT_COST_RATIO[product] * rng.uniform(0.97, 1.03, len(doc)), 2)
    return pd.DataFrame({"doc": doc, "product": product, "quantity": quantity, "amount": amount, "cost": cost})


def _write_orders(world: _World, path: Path, dialect: str, seed: int, say: Callable[[str], None]) -> dict:
    """Order lines, generated and written a chunk of documents at a time."""
    cal, docs, cust = world.cal, world.docs, world.customers
    category = cust["category"].to_numpy()
    names = cust["name"].to_numpy(dtype=object)
    codes = cust["code"].to_numpy(dtype=object)
    stamp = cal.dates(docs["day"].to_numpy()).astype("datetime64[s]") + docs["second"].to_numpy().astype(
        "timedelta64[s]")
    kind = docs["kind"].to_numpy()
    cancelled = docs["cancelled"].to_numpy()
    campaign = docs["campaign"].to_numpy()
    n_campaigns = int(world.campaigns["cid"].max()) + 1
    planted = np.zeros(n_campaigns)
    planted_as_of = np.zeros(n_campaigns)
    total = 0
    writer: pq.ParquetWriter | None = None
    try:
        for k, low in enumerate(range(0, len(docs), _DOCS_PER_CHUNK)):
            part = docs.iloc[low:low + _DOCS_PER_CHUNK]
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(100, k)))
            lines = _lines(rng, part, category, cal)
            doc = low + lines["doc"].to_numpy()
            amount = lines["amount"].to_numpy()
            tagged = (campaign[doc] >= 0) & ~cancelled[doc]
            planted += np.bincount(campaign[doc][tagged], weights=amount[tagged], minlength=n_campaigns)
            early = tagged & (docs["day"].to_numpy()[doc] <= cal.as_of_day)
            planted_as_of += np.bincount(campaign[doc][early], weights=amount[early], minlength=n_campaigns)
            total += len(lines)
            if dialect == "1c":
                frame = _lines_1c(lines, doc, part, low, stamp, kind, cancelled, names, docs)
                _write_table(frame, path, "1c", append=k > 0)
            else:
                table = _lines_arrow(lines, doc, stamp, kind, cancelled, codes, docs)
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
            say(f"order lines: {min(low + _DOCS_PER_CHUNK, len(docs))} of {len(docs)} documents")
    finally:
        if writer is not None:
            writer.close()
    return {"documents": len(docs), "order_lines": total, "planted": planted, "planted_as_of": planted_as_of}


def _document_titles(docs: pd.DataFrame, stamp: np.ndarray) -> np.ndarray:
    """``Реализация товаров и услуг 00-000017 от 12.01.2026 10:15:02`` for each document."""
    when = pd.Series(stamp).dt.strftime("%d.%m.%Y %H:%M:%S").astype("str")
    number = _digits_text(docs["number"].to_numpy(), 6)
    title = np.where(docs["kind"].to_numpy() == 1, "Возврат товаров от клиента 00-", "Реализация товаров и услуг 00-")
    return (pd.Series(title, dtype="str") + number + " от " + when).to_numpy(dtype=object), when.to_numpy(dtype=object)


def _lines_1c(lines: pd.DataFrame, doc: np.ndarray, part: pd.DataFrame, low: int, stamp: np.ndarray,
              kind: np.ndarray, cancelled: np.ndarray, names: np.ndarray, docs: pd.DataFrame) -> pd.DataFrame:
    titles, when = _document_titles(part, stamp[low:low + len(part)])
    local = lines["doc"].to_numpy()
    return pd.DataFrame({
        "Дата": when[local], "Документ": titles[local], "Контрагент": names[docs["owner"].to_numpy()[doc]],
        "Номенклатура": _PRODUCT_NAME[lines["product"].to_numpy()],
        "Количество": _ru_numbers(lines["quantity"].to_numpy(), 0).to_numpy(),
        "Сумма": _ru_numbers(lines["amount"].to_numpy(), 2).to_numpy(),
        "Себестоимость": _ru_numbers(lines["cost"].to_numpy(), 2).to_numpy(),
        "Статус": np.where(cancelled[doc], "Отменен", "Проведен"),
    })


def _lines_arrow(lines: pd.DataFrame, doc: np.ndarray, stamp: np.ndarray, kind: np.ndarray,
                 cancelled: np.ndarray, codes: np.ndarray, docs: pd.DataFrame) -> pa.Table:
    # order ids as year-R|V-number, unique per document; strings built per document of the
    # chunk (its documents are consecutive), taken per line
    low, high = int(doc.min()), int(doc.max()) + 1
    span = slice(low, high)
    year = _year(stamp[span].astype("datetime64[D]"))
    order_id = (pd.Series(year, dtype="int64").astype("str") + np.where(kind[span] == 1, "-V", "-R")
                + _digits_text(docs["number"].to_numpy()[span], 6))
    ids = pa.array(order_id.to_numpy(dtype=object), type=pa.string()).take(pa.array(doc - low))
    return pa.table({
        "order_id": ids,
        "date": pa.array(stamp[doc]),
        # strings by position through Arrow: no Python string object per line
        "customer_id": pa.array(codes, type=pa.string()).take(pa.array(docs["owner"].to_numpy()[doc])),
        "amount": pa.array(lines["amount"].to_numpy()),
        "cost": pa.array(lines["cost"].to_numpy()),
        "quantity": pa.array(lines["quantity"].to_numpy()),
        "product_id": _PRODUCT_IDS.take(pa.array(lines["product"].to_numpy())),
        "status": _STATUS_TEXT.take(pa.array(cancelled[doc].astype(np.int8))),
    })


def _settlement_tables(world: _World, dialect: str) -> dict[str, pd.DataFrame]:
    """Invoices and payments as 1C lists them (documents by their presentation) or canonical."""
    cal, cust = world.cal, world.customers
    inv, pay = world.settlements["invoices"], world.settlements["payments"]
    code, name = cust["code"].to_numpy(), cust["name"].to_numpy()
    inv_id = pd.Series(inv["year"].to_numpy() % 100, dtype="int64").astype("str").str.zfill(2) + "-" + _digits_text(
        inv["number"].to_numpy(), 6).to_numpy()
    pay_id = pd.Series(pay["year"].to_numpy() % 100, dtype="int64").astype("str").str.zfill(2) + "-" + _digits_text(
        pay["number"].to_numpy(), 6).to_numpy()
    stamp = (pd.Series(cal.dates(inv["day"].to_numpy())) + pd.to_timedelta(inv["second"].to_numpy(), unit="s"))
    credit = inv["amount"].to_numpy() < 0
    doc = np.where(credit, "Возврат товаров от клиента", "Реализация товаров и услуг")
    presentation = pd.Series(doc) + " " + inv_id + " от " + stamp.dt.strftime("%d.%m.%Y %H:%M:%S").str.replace(
        r" 0(\d):", r" \1:", regex=True)
    due_known = inv["due_day"].to_numpy() >= 0
    named = pay["invoice"].to_numpy() >= 0
    linked = pd.Series(presentation.to_numpy()[np.maximum(pay["invoice"].to_numpy(), 0)]).where(named)
    linked_id = pd.Series(inv_id.to_numpy()[np.maximum(pay["invoice"].to_numpy(), 0)]).where(named)
    pay_doc = np.where(pay["amount"].to_numpy() < 0, "Выдача наличных", "Поступление безналичных ДС")
    pay_date = pd.Series(cal.dates(pay["day"].to_numpy())).dt.strftime("%d.%m.%Y")
    if dialect == "1c":
        return {
            "invoices": pd.DataFrame({
                "Реализация товаров и услуг": presentation, "Дата": _ru_dates(inv["day"].to_numpy(), cal),
                "Код контрагента": code[inv["owner"].to_numpy()], "Контрагент": name[inv["owner"].to_numpy()],
                "Сумма": _ru_numbers(inv["amount"].to_numpy(), 2),
                "Срок оплаты": _ru_dates(inv["due_day"].to_numpy(), cal, known=due_known),
            }),
            "payments": pd.DataFrame({
                "Поступление безналичных ДС": pd.Series(pay_doc) + " " + pay_id + " от " + pay_date,
                "Дата": _ru_dates(pay["day"].to_numpy(), cal),
                "Код контрагента": code[pay["owner"].to_numpy()], "Контрагент": name[pay["owner"].to_numpy()],
                "Сумма": _ru_numbers(pay["amount"].to_numpy(), 2), "Расчетный документ": linked,
            }),
        }
    return {
        "invoices": pd.DataFrame({
            "invoice_id": inv_id.astype("str"), "customer_id": pd.Series(code[inv["owner"].to_numpy()], dtype="str"),
            "date": _dates(inv["day"].to_numpy(), cal), "amount": inv["amount"].astype(float),
            "due_date": _dates(inv["due_day"].to_numpy(), cal, known=due_known),
        }),
        "payments": pd.DataFrame({
            "payment_id": pay_id.astype("str"), "customer_id": pd.Series(code[pay["owner"].to_numpy()], dtype="str"),
            "date": _dates(pay["day"].to_numpy(), cal), "amount": pay["amount"].astype(float),
            "invoice_id": linked_id.astype("str"),
        }),
    }


def _deal_tables(world: _World, dialect: str) -> dict[str, pd.DataFrame]:
    """Deals and their stage history as 1C lists them (a deal by its presentation) or canonical."""
    cal, cust = world.cal, world.customers
    deals, history = world.deals["deals"], world.deals["history"]
    owner = deals["owner"].to_numpy()
    known = owner >= 0
    code = pd.Series(cust["code"].to_numpy()[np.maximum(owner, 0)], dtype="str").where(known)
    name = pd.Series(cust["name"].to_numpy()[np.maximum(owner, 0)], dtype="str").where(known)
    number = "00-" + _digits_text(deals["number"].to_numpy(), 6)
    created = _ru_dates(deals["created"].to_numpy(), cal)
    closed = deals["closed"].to_numpy() >= 0
    stage = pd.Series(np.asarray(STAGES, dtype=object)[deals["stage"].to_numpy()], dtype="str")
    reason = pd.Series(np.asarray(_DEAL_REASONS, dtype=object)[np.maximum(deals["reason"].to_numpy(), 0)],
                       dtype="str").where(deals["reason"].to_numpy() >= 0)
    manager = pd.Series(np.asarray(_MANAGERS, dtype=object)[deals["manager"].to_numpy()], dtype="str")
    source = pd.Series(np.asarray(DEAL_SOURCES, dtype=object)[deals["source"].to_numpy()], dtype="str")
    entry_deal = history["deal"].to_numpy()
    entry_stage = pd.Series(np.asarray(STAGES, dtype=object)[history["stage"].to_numpy()], dtype="str")
    if dialect == "1c":
        presentation = "Сделка с клиентом " + number + " от " + created
        # 1C's two words for a lost deal: every fourth one is «Закрыта неуспешно»
        lost = np.where(deals["number"].to_numpy() % 4 == 0, "Закрыта неуспешно", "Проиграна")
        words = {"open": "В работе", "won": "Выиграна"}
        status = [words.get(s, lost[i]) for i, s in enumerate(deals["status"])]
        return {
            "deals": pd.DataFrame({
                "Сделка с клиентом": presentation, "Дата начала": created, "Контрагент": name,
                "Сумма": _ru_numbers(deals["amount"].to_numpy(), 2), "Этап": stage, "Состояние": status,
                "Дата завершения": _ru_dates(deals["closed"].to_numpy(), cal, known=closed),
                "Причина проигрыша": reason, "Ответственный": manager, "Источник": source,
            }),
            "deal_stages": pd.DataFrame({
                "Сделка": presentation.to_numpy()[entry_deal], "Этап": entry_stage,
                "Дата перехода": _ru_dates(history["day"].to_numpy(), cal),
            }),
        }
    return {
        "deals": pd.DataFrame({
            "deal_id": number.astype("str"), "created_at": _dates(deals["created"].to_numpy(), cal),
            "amount": deals["amount"].astype(float), "stage": stage, "status": deals["status"].astype("str"),
            "closed_at": _dates(deals["closed"].to_numpy(), cal, known=closed), "loss_reason": reason,
            "manager": manager, "source": source, "customer_id": code,
        }),
        "deal_stages": pd.DataFrame({
            "deal_id": number.to_numpy()[entry_deal], "stage": entry_stage,
            "entered_at": _dates(history["day"].to_numpy(), cal),
        }),
    }

