"""The synthetic 1C-style demo dataset and its ground truth.

`generate_demo` writes what a distributor of electrical goods running 1C would hand over —
counterparties, contact persons, sales lines, marketing campaigns, their members and leads —
exactly as 1C saves a list or a report (cp1251, ``;``, CRLF, decimal comma, NBSP thousands,
``DD.MM.YYYY``, customers referenced by name), or as canonical Parquet for benchmarks, and
a sibling folder ``<out>_truth`` that records what was planted for the reports to find:

- ``customers.csv`` — each customer's behaviour (below), deletion mark, manager, source;
- ``duplicates.csv`` — duplicate groups (connected components over the rules of REFERENCE.md
  "Base audit": ``inn_kpp``, ``phone``, ``email``, ``name``) among cards not marked for
  deletion; ``rule`` lists every rule that joins the customer to another member, ``|``-joined;
- ``branches.csv`` — customers sharing a valid ИНН under different КПП;
- ``invalid_ids.csv`` — every invalid ИНН / КПП with its problem code (REFERENCE.md);
- ``missing_fields.csv`` — empty manager, source, category, region, phone, email, ИНН of a
  company, and ``contact_info`` (no phone or email on the card nor on any contact person);
- ``campaigns.csv`` — every campaign's groups and its true (additive) effect;
- ``manifest.json`` — seed, arguments, as_of, end.

Behaviours are relative to ``as_of``, the end of the last complete quarter on or before
``end`` (2026-09-30 for `DEMO_END`): ``steady`` (an order every month, moderate amounts),
``irregular``, ``one_off`` (one order document ever, more than 90 days before as_of),
``churned`` (bought regularly, nothing in the last 125-295 days), ``declining`` (revenue of
as_of's quarter below 35 % of an average quarter of the four before it), ``reactivated``
(churned, in the target group of the reactivation campaign, bought again after it), ``new``
(first order less than 90 days before as_of) and ``potential`` (no orders). A campaign's
true effect is additive: a fixed number of its target members (response rate × target size)
get one extra order in the attribution window (start to end + 30 days, REFERENCE.md
"Campaign economics"); control members and everybody else get nothing extra.

Nothing depends on today's date, and the same seed and arguments give byte-identical
files. Everything is vectorised (numpy over customers, documents and lines; order lines in
chunks) so that a million customers and tens of millions of lines stay practical.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from clientbase import identifiers
from clientbase.files import replace_dir
from clientbase.periods import parse_period, window_start

DEMO_END = pd.Timestamp("2026-11-15")
FILE_FORMATS = ("1c", "parquet")
MIN_CUSTOMERS = 200
MIN_YEARS = 2
BEHAVIOURS = ("steady", "irregular", "one_off", "churned", "declining", "reactivated", "new", "potential")

# --- the population -------------------------------------------------------------------

# shares of the population; reactivated customers come out of the churned ones
_BEHAVIOUR_SHARES = {
    "steady": 0.065, "declining": 0.03, "irregular": 0.40, "churned": 0.12,
    "one_off": 0.12, "new": 0.07, "potential": 0.195,
}
_COMPANY, _SOLE_TRADER, _PERSON = 0, 1, 2
_TYPE_CODES = ("company", "sole_trader", "person")
_TYPE_RU = ("Юридическое лицо", "Индивидуальный предприниматель", "Физическое лицо")
_TYPE_SHARES = (0.6, 0.2, 0.2)

_MANAGERS = (
    "Смирнова Ольга Викторовна", "Кузнецов Игорь Петрович", "Белов Андрей Николаевич",
    "Орлова Марина Сергеевна", "Захаров Денис Алексеевич", "Ковалёва Наталья Игоревна",
    "Громов Павел Евгеньевич", "Лебедева Светлана Юрьевна",
)
_MANAGER_WEIGHTS = (0.17, 0.15, 0.14, 0.13, 0.12, 0.11, 0.10, 0.08)
_NO_MANAGER_SHARE = 0.05
# how often each manager leaves a field of the card empty, relative to the base rate; the
# last entry is for cards without a manager (per-manager fill rates must differ)
_CARELESSNESS = (0.4, 0.7, 1.0, 0.8, 1.2, 1.6, 2.8, 0.9, 2.0)

_SOURCES = ("Сайт", "Реклама", "Выставка", "Партнёр", "Маркетплейс", "Холодный звонок")
_SOURCE_WEIGHTS = (0.28, 0.18, 0.10, 0.16, 0.14, 0.14)
_SOURCE_CAC = (6_000.0, 18_000.0, 45_000.0, 12_000.0, 9_000.0, 25_000.0)  # rubles per new customer
_ACQUISITION_NAMES = (
    "Продвижение сайта", "Контекстная реклама", "Выставка «Электро»", "Партнёрская программа",
    "Продвижение на маркетплейсе", "Холодные звонки",
)
_EMPTY_FIELD_RATE = 0.05  # source, category, region before carelessness

_CATEGORIES = (
    "Оптовый покупатель", "Монтажная организация", "Промышленное предприятие", "Застройщик",
    "Проектная организация", "Розничный покупатель",
)
_CATEGORY_SCALE = (2.0, 1.1, 1.6, 1.8, 0.8, 0.35)
_CATEGORY_BY_TYPE = (
    (0.22, 0.28, 0.17, 0.13, 0.12, 0.08),
    (0.20, 0.40, 0.00, 0.00, 0.10, 0.30),
    (0.00, 0.10, 0.00, 0.00, 0.00, 0.90),
)
_TYPE_SCALE = (1.0, 0.6, 0.25)
_MEDIAN_DOCUMENT = 25_000.0  # rubles, before category and type

# business region, its city, tax-office region codes (first two ИНН digits), phone codes
_REGIONS = (
    ("Москва", (77,), (495, 499)),
    ("Московская обл.", (50,), (496, 498)),
    ("Санкт-Петербург", (78,), (812,)),
    ("Северо-Запад", (53, 47, 10), (816, 813, 814)),
    ("Поволжье", (16, 63, 52), (843, 846, 831)),
    ("Урал", (66, 74), (343, 351)),
    ("Сибирь", (54, 24), (383, 391)),
    ("Юг", (23, 61), (861, 863)),
    ("Центр", (36, 71, 76), (473, 487, 485)),
    ("Дальний Восток", (25, 27), (423, 421)),
)
_REGION_WEIGHTS = (0.30, 0.14, 0.14, 0.05, 0.09, 0.08, 0.06, 0.07, 0.05, 0.02)
_CITIES = (
    ("Москва", "msk"), ("Подольск", "podolsk"), ("Санкт-Петербург", "spb"), ("Великий Новгород", "vnov"),
    ("Казань", "kazan"), ("Екатеринбург", "ekb"), ("Новосибирск", "nsk"), ("Краснодар", "krd"),
    ("Воронеж", "vrn"), ("Владивосток", "vl"), ("Самара", "samara"), ("Нижний Новгород", "nnov"),
    ("Пермь", "perm"), ("Тюмень", "tmn"), ("Ростов-на-Дону", "rnd"), ("Уфа", "ufa"),
)

# --- names ----------------------------------------------------------------------------

_ROOTS = (
    ("Альфа", "alfa"), ("Бета", "beta"), ("Вектор", "vektor"), ("Гранит", "granit"), ("Север", "sever"),
    ("Восток", "vostok"), ("Запад", "zapad"), ("Меридиан", "meridian"), ("Орион", "orion"),
    ("Атлант", "atlant"), ("Титан", "titan"), ("Спектр", "spektr"), ("Импульс", "impuls"),
    ("Квант", "kvant"), ("Контур", "kontur"), ("Радиус", "radius"), ("Сигма", "sigma"),
    ("Омега", "omega"), ("Дельта", "delta"), ("Гамма", "gamma"), ("Ромашка", "romashka"),
    ("Берёзка", "berezka"), ("Кедр", "kedr"), ("Волга", "volga"), ("Нева", "neva"), ("Кама", "kama"),
    ("Ока", "oka"), ("Урал", "ural"), ("Алтай", "altay"), ("Байкал", "baykal"), ("Енисей", "enisey"),
    ("Амур", "amur"), ("Эльбрус", "elbrus"), ("Полюс", "polyus"), ("Зенит", "zenit"), ("Рубин", "rubin"),
    ("Янтарь", "yantar"), ("Изумруд", "izumrud"), ("Сапфир", "sapfir"), ("Феникс", "feniks"),
    ("Пегас", "pegas"), ("Грифон", "grifon"), ("Сокол", "sokol"), ("Беркут", "berkut"), ("Стриж", "strizh"),
    ("Маяк", "mayak"), ("Парус", "parus"), ("Якорь", "yakor"), ("Компас", "kompas"),
    ("Горизонт", "gorizont"), ("Рассвет", "rassvet"), ("Прогресс", "progress"), ("Стандарт", "standart"),
    ("Профи", "profi"), ("Мега", "mega"), ("Нова", "nova"), ("Вега", "vega"), ("Астра", "astra"),
    ("Лидер", "lider"), ("Элит", "elit"), ("Оптима", "optima"), ("Максима", "maksima"),
    ("Арсенал", "arsenal"), ("Бастион", "bastion"), ("Форпост", "forpost"), ("Интер", "inter"),
    ("Евро", "evro"), ("Транс", "trans"), ("Гелиос", "gelios"), ("Аргон", "argon"), ("Неон", "neon"),
    ("Кристалл", "kristall"),
)
_PARTS = (
    ("Снаб", "snab"), ("Строй", "stroy"), ("Трейд", "treyd"), ("Электро", "elektro"), ("Монтаж", "montazh"),
    ("Сервис", "servis"), ("Групп", "grupp"), ("Комплект", "komplekt"), ("Энерго", "energo"),
    ("Тех", "teh"), ("Пром", "prom"), ("Лайн", "layn"), ("Проект", "proekt"), ("Систем", "sistem"),
    ("Инвест", "invest"), ("Маркет", "market"), ("Опт", "opt"), ("Регион", "region"), ("Свет", "svet"),
    ("Ресурс", "resurs"), ("Альянс", "alyans"), ("Плюс", "plyus"), ("Центр", "tsentr"),
    ("Мастер", "master"), ("Капитал", "kapital"), ("Торг", "torg"), ("Холдинг", "holding"),
    ("Логистик", "logistik"), ("Кабель", "kabel"), ("Автоматика", "avtomatika"),
    ("Инжиниринг", "inzhiniring"), ("Технологии", "tehnologii"), ("Девелопмент", "development"),
    ("Поставка", "postavka"), ("Стройсервис", "stroyservis"), ("Электромонтаж", "elektromontazh"),
    ("Энергосбыт", "energosbyt"), ("Индустрия", "industriya"), ("Партнер", "partner"), ("Дом", "dom"),
    ("Снабжение", "snabzhenie"), ("Комплекс", "kompleks"), ("Контакт", "kontakt"), ("Вольт", "volt"),
    ("Ватт", "vatt"), ("Кабельстрой", "kabelstroy"), ("Профиль", "profil"), ("Сибирь", "sibir"),
    ("Интегра", "integra"), ("Монолит", "monolit"),
)
# legal forms: short, long
_FORMS = (
    ("ООО", "Общество с ограниченной ответственностью"), ("АО", "Акционерное общество"),
    ("ПАО", "Публичное акционерное общество"), ("ЗАО", "Закрытое акционерное общество"),
    ("ОАО", "Открытое акционерное общество"),
)
_FORM_WEIGHTS = (0.78, 0.12, 0.02, 0.05, 0.03)
_COMPANY_STYLE_WEIGHTS = (0.35, 0.25, 0.2, 0.1, 0.1)  # see _render_names
_TRADER_STYLE_WEIGHTS = (0.45, 0.3, 0.15, 0.1)
_SURNAMES = (
    ("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"), ("Попов", "popov"),
    ("Васильев", "vasilev"), ("Петров", "petrov"), ("Соколов", "sokolov"), ("Михайлов", "mikhaylov"),
    ("Новиков", "novikov"), ("Фёдоров", "fedorov"), ("Морозов", "morozov"), ("Волков", "volkov"),
    ("Алексеев", "alekseev"), ("Лебедев", "lebedev"), ("Семёнов", "semenov"), ("Егоров", "egorov"),
    ("Павлов", "pavlov"), ("Козлов", "kozlov"), ("Степанов", "stepanov"), ("Николаев", "nikolaev"),
    ("Орлов", "orlov"), ("Андреев", "andreev"), ("Макаров", "makarov"), ("Никитин", "nikitin"),
    ("Захаров", "zakharov"), ("Зайцев", "zaytsev"), ("Соловьёв", "solovev"), ("Борисов", "borisov"),
    ("Яковлев", "yakovlev"), ("Григорьев", "grigorev"), ("Романов", "romanov"), ("Воробьёв", "vorobev"),
    ("Сергеев", "sergeev"), ("Кузьмин", "kuzmin"), ("Фролов", "frolov"), ("Александров", "aleksandrov"),
    ("Дмитриев", "dmitriev"), ("Королёв", "korolev"), ("Гусев", "gusev"), ("Киселёв", "kiselev"),
    ("Ильин", "ilin"), ("Максимов", "maksimov"), ("Поляков", "polyakov"), ("Сорокин", "sorokin"),
    ("Виноградов", "vinogradov"), ("Ковалёв", "kovalev"), ("Белов", "belov"), ("Медведев", "medvedev"),
    ("Антонов", "antonov"), ("Тарасов", "tarasov"), ("Жуков", "zhukov"), ("Баранов", "baranov"),
    ("Филиппов", "filippov"), ("Комаров", "komarov"), ("Давыдов", "davydov"), ("Беляев", "belyaev"),
    ("Герасимов", "gerasimov"), ("Богданов", "bogdanov"), ("Осипов", "osipov"), ("Сидоров", "sidorov"),
    ("Матвеев", "matveev"), ("Титов", "titov"), ("Марков", "markov"), ("Миронов", "mironov"),
    ("Крылов", "krylov"), ("Куликов", "kulikov"), ("Карпов", "karpov"), ("Власов", "vlasov"),
    ("Мельников", "melnikov"), ("Денисов", "denisov"), ("Гаврилов", "gavrilov"), ("Тихонов", "tikhonov"),
    ("Казаков", "kazakov"), ("Афанасьев", "afanasev"), ("Данилов", "danilov"), ("Савельев", "savelev"),
    ("Тимофеев", "timofeev"), ("Фомин", "fomin"), ("Чернов", "chernov"), ("Абрамов", "abramov"),
    ("Мартынов", "martynov"), ("Ефимов", "efimov"), ("Федотов", "fedotov"), ("Щербаков", "shcherbakov"),
    ("Назаров", "nazarov"), ("Калинин", "kalinin"), ("Исаев", "isaev"), ("Чернышёв", "chernyshev"),
    ("Быков", "bykov"), ("Маслов", "maslov"), ("Родионов", "rodionov"), ("Коновалов", "konovalov"),
    ("Лазарев", "lazarev"), ("Воронин", "voronin"), ("Климов", "klimov"), ("Филатов", "filatov"),
    ("Пономарёв", "ponomarev"), ("Голубев", "golubev"), ("Кудрявцев", "kudryavtsev"),
    ("Прохоров", "prokhorov"), ("Наумов", "naumov"), ("Потапов", "potapov"), ("Журавлёв", "zhuravlev"),
    ("Овчинников", "ovchinnikov"), ("Трофимов", "trofimov"), ("Леонов", "leonov"), ("Соболев", "sobolev"),
    ("Ермаков", "ermakov"), ("Колесников", "kolesnikov"), ("Гончаров", "goncharov"),
    ("Емельянов", "emelyanov"), ("Никифоров", "nikiforov"), ("Грачёв", "grachev"), ("Котов", "kotov"),
    ("Гришин", "grishin"), ("Ефремов", "efremov"), ("Архипов", "arkhipov"), ("Громов", "gromov"),
    ("Кириллов", "kirillov"), ("Малышев", "malyshev"), ("Панов", "panov"), ("Моисеев", "moiseev"),
    ("Румянцев", "rumyantsev"), ("Акимов", "akimov"), ("Кондратьев", "kondratev"), ("Бирюков", "biryukov"),
    ("Горбунов", "gorbunov"), ("Анисимов", "anisimov"), ("Ерёмин", "eremin"), ("Тихомиров", "tikhomirov"),
    ("Галкин", "galkin"), ("Лукьянов", "lukyanov"), ("Михеев", "mikheev"), ("Скворцов", "skvortsov"),
    ("Юдин", "yudin"), ("Белоусов", "belousov"), ("Нестеров", "nesterov"), ("Симонов", "simonov"),
    ("Прокофьев", "prokofev"), ("Харитонов", "kharitonov"), ("Князев", "knyazev"), ("Цветков", "tsvetkov"),
    ("Левин", "levin"), ("Митрофанов", "mitrofanov"), ("Воронов", "voronov"), ("Аксёнов", "aksenov"),
    ("Мальцев", "maltsev"), ("Логинов", "loginov"), ("Горшков", "gorshkov"), ("Савин", "savin"),
    ("Краснов", "krasnov"), ("Майоров", "mayorov"), ("Демидов", "demidov"), ("Елисеев", "eliseev"),
    ("Рыбаков", "rybakov"), ("Сафонов", "safonov"), ("Плотников", "plotnikov"), ("Дёмин", "demin"),
    ("Хохлов", "khokhlov"), ("Жданов", "zhdanov"), ("Гордеев", "gordeev"), ("Бобров", "bobrov"),
)
_MALE_NAMES = (
    ("Александр", "aleksandr"), ("Алексей", "aleksey"), ("Андрей", "andrey"), ("Антон", "anton"),
    ("Артём", "artem"), ("Борис", "boris"), ("Вадим", "vadim"), ("Виктор", "viktor"),
    ("Владимир", "vladimir"), ("Дмитрий", "dmitriy"), ("Евгений", "evgeniy"), ("Егор", "egor"),
    ("Иван", "ivan"), ("Игорь", "igor"), ("Илья", "ilya"), ("Кирилл", "kirill"),
    ("Константин", "konstantin"), ("Максим", "maksim"), ("Михаил", "mikhail"), ("Никита", "nikita"),
    ("Николай", "nikolay"), ("Олег", "oleg"), ("Павел", "pavel"), ("Роман", "roman"), ("Сергей", "sergey"),
    ("Станислав", "stanislav"), ("Юрий", "yuriy"), ("Григорий", "grigoriy"), ("Денис", "denis"),
    ("Леонид", "leonid"),
)
_FEMALE_NAMES = (
    ("Анна", "anna"), ("Алина", "alina"), ("Валентина", "valentina"), ("Вера", "vera"),
    ("Галина", "galina"), ("Дарья", "darya"), ("Екатерина", "ekaterina"), ("Елена", "elena"),
    ("Ирина", "irina"), ("Ксения", "kseniya"), ("Лариса", "larisa"), ("Людмила", "lyudmila"),
    ("Марина", "marina"), ("Мария", "mariya"), ("Надежда", "nadezhda"), ("Наталья", "natalya"),
    ("Ольга", "olga"), ("Светлана", "svetlana"), ("Татьяна", "tatyana"), ("Юлия", "yuliya"),
    ("Полина", "polina"), ("Анастасия", "anastasiya"), ("Виктория", "viktoriya"), ("Евгения", "evgeniya"),
    ("Оксана", "oksana"),
)
_PATRONYMICS = (
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"),
    ("Антонович", "Антоновна"), ("Борисович", "Борисовна"), ("Вадимович", "Вадимовна"),
    ("Викторович", "Викторовна"), ("Владимирович", "Владимировна"), ("Дмитриевич", "Дмитриевна"),
    ("Евгеньевич", "Евгеньевна"), ("Егорович", "Егоровна"), ("Иванович", "Ивановна"),
    ("Игоревич", "Игоревна"), ("Ильич", "Ильинична"), ("Кириллович", "Кирилловна"),
    ("Константинович", "Константиновна"), ("Максимович", "Максимовна"), ("Михайлович", "Михайловна"),
    ("Николаевич", "Николаевна"), ("Олегович", "Олеговна"), ("Павлович", "Павловна"),
    ("Романович", "Романовна"), ("Сергеевич", "Сергеевна"), ("Юрьевич", "Юрьевна"),
    ("Григорьевич", "Григорьевна"), ("Леонидович", "Леонидовна"), ("Петрович", "Петровна"),
    ("Фёдорович", "Фёдоровна"), ("Геннадьевич", "Геннадьевна"), ("Анатольевич", "Анатольевна"),
)
_ROLES = (
    "Менеджер по закупкам", "Главный инженер", "Генеральный директор", "Главный бухгалтер",
    "Снабженец", "Коммерческий директор", "Прораб", "Инженер-энергетик",
)
_COMPANY_MAILBOXES = ("info", "office", "zakaz", "sales", "snab", "mail", "zakupki")
_MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru")

# phone notations seen in 1C cards, see _render_phones
_PHONE_NOTATION_WEIGHTS = (0.3, 0.15, 0.2, 0.1, 0.05, 0.1, 0.05, 0.05)

# --- products -------------------------------------------------------------------------

_GROUPS = (
    "Кабель и провод", "Автоматические выключатели и УЗО", "Электроустановочные изделия",
    "Светотехника", "Щиты и корпуса", "Кабеленесущие системы", "Инструмент", "Крепёж и расходники",
)
# (group, name, price in as_of's prices, quantity step)
_PRODUCTS = (
    (0, "Кабель ВВГнг(А)-LS 3х1,5", 68.40, 10), (0, "Кабель ВВГнг(А)-LS 3х2,5", 104.90, 10),
    (0, "Кабель ВВГ 3х2,5", 184.50, 10), (0, "Кабель ВВГнг 5х4", 312.00, 10),
    (0, "Кабель NYM 3х1,5", 89.70, 10), (0, "Провод ПуГВ 1х2,5", 31.20, 50),
    (0, "Провод ПВС 3х0,75", 46.80, 10), (0, "Кабель UTP 4х2х0,5 кат. 5e", 27.60, 50),
    (0, "Кабель КГ 4х6", 268.00, 10),
    (1, "Автомат ABB S201 C16", 370.00, 1), (1, "Автомат ABB S203 C25", 1890.00, 1),
    (1, "Автомат IEK ВА47-29 1P C10", 148.00, 1), (1, "Автомат IEK ВА47-29 3P C32", 612.00, 1),
    (1, "Дифавтомат Schneider Electric Easy9 C16 30мА", 2350.00, 1),
    (1, "УЗО IEK ВД1-63 2P 40А 30мА", 980.00, 1), (1, "Автомат Schneider Electric Acti9 iC60N 1P C20", 1240.00, 1),
    (1, "Реле напряжения DigiTOP Vp-40A", 2890.00, 1),
    (2, "Розетка Legrand Valena", 185.00, 1), (2, "Розетка Schneider Electric AtlasDesign", 310.00, 1),
    (2, "Выключатель Legrand Valena 1-кл.", 164.00, 1), (2, "Выключатель Schneider Electric Glossa 2-кл.", 228.00, 1),
    (2, "Рамка Legrand Valena 2-пост.", 142.00, 1), (2, "Розетка накладная IEK Октава IP44", 276.00, 1),
    (2, "Удлинитель Pilot GL 5 гнезд 3 м", 1290.00, 1),
    (3, "Светильник светодиодный Армстронг 36 Вт", 1180.00, 1), (3, "Прожектор светодиодный 50 Вт IP65", 1450.00, 1),
    (3, "Лампа светодиодная Gauss E27 10 Вт", 189.00, 1), (3, "Лампа светодиодная Philips E14 7 Вт", 215.00, 1),
    (3, "Светильник ЖКУ 150 Вт", 3650.00, 1), (3, "Лента светодиодная 5 м 14,4 Вт/м", 890.00, 1),
    (3, "Светильник аварийный Navigator 3 Вт", 1340.00, 1), (3, "Светильник ЭРА LED 18 Вт накладной", 745.00, 1),
    (4, "Щит распределительный ЩРН-12", 1580.00, 1), (4, "Щит ЩРВ-24 встраиваемый", 2460.00, 1),
    (4, "Бокс ЩРН-П-8 IP41", 620.00, 1), (4, "Шкаф ЩМП-4 800х650х250", 9850.00, 1),
    (4, "Корпус металлический ЩУ-1/1", 1720.00, 1), (4, "Шкаф телекоммуникационный 19 дюймов 12U", 14900.00, 1),
    (5, "Кабель-канал 25х16 ДКС", 64.00, 10), (5, "Гофротруба ПВХ 20 мм", 11.80, 50),
    (5, "Гофротруба ПНД 32 мм", 24.50, 50), (5, "Лоток перфорированный 100х50", 412.00, 1),
    (5, "Труба ПВХ жёсткая 25 мм", 58.00, 10), (5, "Металлорукав РЗ-ЦХ 15 мм", 47.00, 10),
    (5, "Коробка распаячная 100х100 IP55", 96.00, 1),
    (6, "Перфоратор Makita HR2470", 11900.00, 1), (6, "Шуруповёрт Bosch GSR 120-LI", 7490.00, 1),
    (6, "Мультиметр DT-830B", 590.00, 1), (6, "Клещи для снятия изоляции КВТ WS-04", 1890.00, 1),
    (6, "Набор отвёрток диэлектрических VDE 7 шт.", 3250.00, 1), (6, "Индикатор напряжения ИН-92", 420.00, 1),
    (6, "Пресс-клещи ПК-16", 2680.00, 1),
    (7, "Изолента ПВХ 19 мм 20 м", 48.00, 10), (7, "Стяжка кабельная 200 мм (100 шт.)", 132.00, 1),
    (7, "Дюбель-хомут 5-10 мм (100 шт.)", 245.00, 1), (7, "Клемма Wago 221-413 (50 шт.)", 1350.00, 1),
    (7, "Гильза ГМЛ 16 (100 шт.)", 690.00, 1), (7, "Термоусадочная трубка 6/3 мм 1 м", 26.00, 10),
    (7, "Саморез по металлу 3,5х25 (200 шт.)", 187.00, 1), (7, "Наконечник НШВИ 1,5-8 (100 шт.)", 98.00, 1),
)
# which product groups each category buys (rows: _CATEGORIES, then "no category")
_GROUP_WEIGHTS = np.array((
    (0.26, 0.18, 0.14, 0.12, 0.08, 0.10, 0.04, 0.08),
    (0.30, 0.20, 0.10, 0.08, 0.08, 0.12, 0.04, 0.08),
    (0.28, 0.22, 0.05, 0.12, 0.14, 0.10, 0.04, 0.05),
    (0.30, 0.16, 0.14, 0.14, 0.10, 0.10, 0.02, 0.04),
    (0.20, 0.20, 0.12, 0.20, 0.10, 0.08, 0.04, 0.06),
    (0.12, 0.10, 0.25, 0.22, 0.03, 0.06, 0.12, 0.10),
    (0.25, 0.18, 0.13, 0.13, 0.08, 0.10, 0.05, 0.08),
))
_PRICE_GROWTH = 0.08  # a year: older lines carry older prices
_LINES_PER_DOCUMENT = (2, 3, 4, 5, 6)
_LINES_WEIGHTS = (0.35, 0.28, 0.18, 0.12, 0.07)
_RETURN_SHARE = 0.015
_CANCELLED_SHARE = 0.005
_DOCS_PER_CHUNK = 500_000
_CANDIDATES_PER_SLICE = 200_000  # company names rendered and checked at a time

# --- campaigns ------------------------------------------------------------------------


@dataclass(frozen=True)
class _CampaignSpec:
    name: str  # with {year}
    kind: str  # canonical kind
    channel: str
    month: int  # start month relative to as_of's month
    days: int
    target_share: float  # of the population (of the pool for a reactivation campaign)
    control_share: float
    pool: str  # "active", "active_no_declining", "churned"
    response_rate: float
    amount_factor: float  # extra order = factor × the member's usual document
    cost_per_member: float


# Attribution windows (start to end + 30 days) do not overlap, so one campaign's extra
# orders never land in another's window.
_CAMPAIGNS = (
    _CampaignSpec("Весенняя акция {year}", "promo", "Email-рассылка", -17, 30, 0.05, 0.025, "active", 0.20, 0.8, 40),
    _CampaignSpec("Удержание ключевых клиентов {year}", "retention", "Телефонный обзвон", -11, 31, 0.10, 0.05,
                  "active", 0.30, 0.8, 450),
    _CampaignSpec("Новогодняя акция {year}", "promo", "Email-рассылка", -9, 20, 0.08, 0.0, "active", 0.15, 0.6, 30),
    _CampaignSpec("Скидка на кабель и провод {year}", "promo", "Email-рассылка", -7, 28, 0.10, 0.05, "active",
                  0.25, 0.8, 60),
    _CampaignSpec("Рассылка каталога {year}", "promo", "Email-рассылка", -5, 30, 0.06, 0.03, "active", 0.0, 0.0, 35),
    _CampaignSpec("Возврат ушедших клиентов {year}", "reactivation", "Телефонный обзвон", -3, 30, 2 / 3, 1 / 3,
                  "churned", 0.35, 1.0, 500),
    _CampaignSpec("Осенняя распродажа {year}", "promo", "SMS-рассылка", 0, 30, 0.05, 0.025, "active_no_declining",
                  0.20, 0.6, 25),
)
_KIND_RU = {"acquisition": "Привлечение", "reactivation": "Реактивация", "retention": "Удержание", "promo": "Акция"}
_RESPONSE_WINDOW_DAYS = 30
_EXTRA_ORDER_SIGMA = 0.25

# --- files ----------------------------------------------------------------------------

_FILES_1C = {
    "customers": "kontragenty.csv", "contacts": "kontaktnye_lica.csv", "orders": "prodazhi.csv",
    "campaigns": "kampanii.csv", "campaign_members": "uchastniki_kampaniy.csv", "leads": "lidy.csv",
}
_NBSP = "\xa0"


@dataclass(frozen=True)
class DemoSummary:
    """What `generate_demo` wrote: the two folders and the size of each table."""

    out: Path
    truth: Path
    customers: int
    contacts: int
    documents: int
    order_lines: int
    campaigns: int
    campaign_members: int
    leads: int


def generate_demo(
    out: str | Path,
    *,
    customers: int = 5000,
    years: int = 3,
    seed: int = 42,
    end: pd.Timestamp = DEMO_END,
    file_format: str = "1c",
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Write a synthetic 1C-style export into `out` and its ground truth next to it.

    Parameters
    ----------
    out
        the export folder; the truth goes to ``out.parent / f"{out.name}_truth"``. Both are
        written into temporary folders beside them and renamed into place at the end, so a
        failure leaves nothing half-written; existing folders are replaced.
    customers
        number of customer cards (at least `MIN_CUSTOMERS`); about 30 order lines each
        over 3 years.
    years
        length of the sales history ending at `end` (at least `MIN_YEARS`).
    seed
        the same seed and arguments give byte-identical files.
    end
        the last day of data; as_of is the end of the last complete quarter on or before it.
    file_format
        ``"1c"`` (cp1251 CSV as 1C saves it, Russian headers, see formats/1c.yaml) or
        ``"parquet"`` (canonical column names, one file per table).
    progress
        called with a short message at each step.

    The planted content and the truth files are described in the module docstring.
    """
    if file_format not in FILE_FORMATS:
        raise ValueError(f"file_format must be one of {FILE_FORMATS}, got {file_format!r}")
    if int(customers) != customers or customers < MIN_CUSTOMERS:
        raise ValueError(f"customers must be an integer >= {MIN_CUSTOMERS}, got {customers!r}")
    if int(years) != years or years < MIN_YEARS:
        raise ValueError(f"years must be an integer >= {MIN_YEARS}, got {years!r}")
    say = progress or (lambda _message: None)
    out = Path(out)
    truth = out.parent / f"{out.name}_truth"
    for folder in (out, truth):
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"{folder} exists and is not a folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    cal = _calendar(pd.Timestamp(end), int(years))
    arguments = {"customers": int(customers), "years": int(years), "seed": int(seed),
                 "end": cal.end.date().isoformat(), "file_format": file_format}

    temps: list[Path] = []
    try:
        tmp_out = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        temps.append(tmp_out)
        tmp_truth = Path(tempfile.mkdtemp(prefix=f".{truth.name}.", suffix=".tmp", dir=out.parent))
        temps.append(tmp_truth)
        world = _build_world(int(customers), int(seed), cal, say)
        say("writing the export")
        counts = _write_export(world, tmp_out, file_format, int(seed), say)
        say("writing the ground truth")
        _write_truth(world, tmp_truth, counts, arguments)
        replace_dir(tmp_out, out)
        replace_dir(tmp_truth, truth)
    except BaseException:
        for temp in temps:
            shutil.rmtree(temp, ignore_errors=True)
        raise
    say("done")
    return DemoSummary(
        out=out, truth=truth, customers=len(world.customers), contacts=len(world.contacts),
        documents=counts["documents"], order_lines=counts["order_lines"], campaigns=len(world.campaigns),
        campaign_members=len(world.members), leads=len(world.leads),
    )


# --- calendar -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """Days are integers counted from `start` (day 0), the first day of data."""

    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp
    origin: np.datetime64
    last_day: int  # end
    as_of_day: int
    window_day: int  # first day of the 12 whole months ending at as_of
    quarter_day: int  # first day of as_of's quarter

    def dates(self, days: np.ndarray) -> np.ndarray:
        return self.origin + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")

    def months(self, days: np.ndarray) -> np.ndarray:
        """Month number (months since 1970-01) of each day."""
        return self.dates(days).astype("datetime64[M]").astype(np.int64)

    def month_first_day(self, months: np.ndarray) -> np.ndarray:
        first = np.asarray(months, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]")
        return (first - self.origin).astype(np.int64)

    def weekday(self, days: np.ndarray) -> np.ndarray:
        """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
        return (self.dates(days).astype(np.int64) + 3) % 7


def _calendar(end: pd.Timestamp, years: int) -> _Calendar:
    end = end.normalize()
    as_of = parse_period("latest", last_date=end).as_of
    start = end - pd.DateOffset(years=years) + pd.Timedelta(days=1)
    origin = np.datetime64(start.date(), "D")

    def day(ts: pd.Timestamp) -> int:
        return int((np.datetime64(ts.date(), "D") - origin).astype(np.int64))

    quarter_start = as_of - pd.offsets.QuarterBegin(startingMonth=1)
    return _Calendar(start, end, as_of, origin, day(end), day(as_of), day(window_start(as_of, 12)),
                     day(quarter_start.normalize()))


# --- the world ------------------------------------------------------------------------


@dataclass
class _World:
    """Everything generated, before rendering; customers are indexed 0..n-1 internally."""

    cal: _Calendar
    customers: pd.DataFrame
    contacts: pd.DataFrame
    docs: pd.DataFrame
    campaigns: pd.DataFrame
    members: pd.DataFrame
    leads: pd.DataFrame
    truth: dict[str, pd.DataFrame]


def _build_world(n: int, seed: int, cal: _Calendar, say: Callable[[str], None]) -> _World:
    streams = np.random.SeedSequence(seed).spawn(8)
    rng = {name: np.random.default_rng(s) for name, s in zip(
        ("attributes", "names", "contacts", "plants", "orders", "campaigns", "leads", "spare"), streams,
        strict=True)}
    say("customers")
    cust = _attributes(rng["attributes"], n)
    cust = _identities(rng["names"], cust)
    contacts = _contact_people(rng["contacts"], cust)
    cust, contacts = _contact_details(rng["contacts"], cust, contacts)
    cust, planted = _plant(rng["plants"], cust)
    contacts = _only_contacts_reachable(rng["contacts"], cust, contacts, planted["used"])
    say("orders")
    docs, first_day, last_day = _regular_documents(rng["orders"], cust, cal)
    campaigns, members, extra, reactivated = _campaign_effects(rng["campaigns"], cust, cal, first_day, last_day)
    cust.loc[reactivated, "behaviour"] = "reactivated"
    docs = _finish_documents(rng["orders"], cust, pd.concat([docs, extra], ignore_index=True), cal)
    cust = _created_and_codes(rng["leads"], cust, docs, cal, planted)
    campaigns = _acquisition_campaigns(rng["campaigns"], cust, campaigns, cal)
    leads = _leads(rng["leads"], cust, docs, campaigns, cal)
    say("checking the planted problems")
    truth = _verified_truth(cust, contacts, planted)
    return _World(cal, cust, contacts, docs, campaigns, members, leads, truth)


def _exact_counts(rng: np.random.Generator, n: int, shares: tuple[float, ...]) -> np.ndarray:
    """A random arrangement of category numbers with exactly round(share × n) of each."""
    counts = np.floor(np.asarray(shares) * n).astype(np.int64)
    counts[np.argmax(shares)] += n - counts.sum()
    return rng.permutation(np.repeat(np.arange(len(shares)), counts))


def _attributes(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Behaviour, type, manager, source, category, region, usual document and gaps."""
    names = tuple(_BEHAVIOUR_SHARES)
    behaviour = np.array(names)[_exact_counts(rng, n, tuple(_BEHAVIOUR_SHARES.values()))]
    ctype = _exact_counts(rng, n, _TYPE_SHARES)
    manager = rng.choice(len(_MANAGERS), n, p=_MANAGER_WEIGHTS)
    manager[rng.random(n) < _NO_MANAGER_SHARE] = -1
    careless = np.asarray(_CARELESSNESS)[manager]  # -1 picks the last entry: no manager
    source = rng.choice(len(_SOURCES), n, p=_SOURCE_WEIGHTS)
    source[rng.random(n) < _EMPTY_FIELD_RATE * careless] = -1
    category = np.empty(n, dtype=np.int64)
    for t in range(3):
        rows = ctype == t
        category[rows] = rng.choice(len(_CATEGORIES), rows.sum(), p=_CATEGORY_BY_TYPE[t])
    category[rng.random(n) < _EMPTY_FIELD_RATE * careless] = -1
    region = rng.choice(len(_REGIONS), n, p=_REGION_WEIGHTS)
    region_known = rng.random(n) >= 0.8 * _EMPTY_FIELD_RATE * careless
    scale = (
        _MEDIAN_DOCUMENT * np.asarray(_TYPE_SCALE)[ctype]
        * np.where(category >= 0, np.asarray(_CATEGORY_SCALE)[np.maximum(category, 0)], 1.0)
        * rng.lognormal(0.0, 0.7, n)
    )
    # monthly buyers are businesses with real orders: their documents are never tiny, so
    # the price of the cheapest product does not make their monthly revenue jumpy
    scale = np.maximum(scale, np.where(np.isin(behaviour, ["steady", "declining"]), 12_000.0, 1_500.0))
    has_phone = rng.random(n) >= (1 - np.array((0.88, 0.85, 0.70))[ctype]) * careless
    has_email = rng.random(n) >= (1 - np.array((0.80, 0.65, 0.45))[ctype]) * careless
    has_inn = rng.random(n) >= np.array((0.02, 0.01, 0.40))[ctype] * np.where(ctype == _PERSON, 1.0, careless)
    return pd.DataFrame({
        "behaviour": pd.Series(behaviour, dtype="str"), "ctype": ctype, "manager": manager, "source": source,
        "category": category, "region": region, "region_known": region_known, "scale": scale,
        "has_phone": has_phone, "has_email": has_email, "has_inn": has_inn,
        "is_deleted": np.zeros(n, dtype=bool),
    })


# --- names, ИНН, phones, emails -------------------------------------------------------


def _company_candidates(rng: np.random.Generator, tier: int) -> pd.DataFrame:
    """Company cores: root + part (tier 0), + a city (tier 1), + a number (tier 2)."""
    roots = np.repeat(np.arange(len(_ROOTS)), len(_PARTS) + 1)
    parts = np.tile(np.arange(-1, len(_PARTS)), len(_ROOTS))
    join = rng.choice(3, len(roots), p=(0.55, 0.15, 0.30))  # hyphen, space, one word
    root_ru = pd.Series([r for r, _ in _ROOTS], dtype="str").iloc[roots].reset_index(drop=True)
    root_lat = pd.Series([r for _, r in _ROOTS], dtype="str").iloc[roots].reset_index(drop=True)
    part_ru = pd.Series(["", *(p for p, _ in _PARTS)], dtype="str").iloc[parts + 1].reset_index(drop=True)
    part_lat = pd.Series(["", *(p for _, p in _PARTS)], dtype="str").iloc[parts + 1].reset_index(drop=True)
    core = np.select(
        [parts < 0, join == 0, join == 1],
        [root_ru, root_ru + "-" + part_ru, root_ru + " " + part_ru],
        root_ru + part_ru.str.lower(),
    )
    lat = np.where(parts < 0, root_lat, np.where(join == 2, root_lat + part_lat, root_lat + "-" + part_lat))
    base = pd.DataFrame({"core": pd.Series(core, dtype="str"), "lat": pd.Series(lat, dtype="str")})
    if tier == 1:
        city = np.repeat(np.arange(len(_CITIES)), len(base))
        base = pd.concat([base] * len(_CITIES), ignore_index=True)
        base["core"] = base["core"] + " " + pd.Series([c for c, _ in _CITIES], dtype="str").iloc[city].to_numpy()
        base["lat"] = base["lat"] + "-" + pd.Series([c for _, c in _CITIES], dtype="str").iloc[city].to_numpy()
    elif tier >= 2:
        numbers = np.repeat(np.arange(2, 1000), len(base))
        base = pd.concat([base] * 998, ignore_index=True)
        text = pd.Series(numbers, dtype="int64").astype("str").to_numpy()
        base["core"] = base["core"] + " " + text
        base["lat"] = base["lat"] + text
    return base.iloc[rng.permutation(len(base))].reset_index(drop=True)


def _person_candidates(rng: np.random.Generator, size: int, tier: int) -> pd.DataFrame:
    """Random people; tier 1 adds a city, tier 2 a birth year (how 1C users tell namesakes)."""
    female = rng.random(size) < 0.45
    surname = rng.integers(0, len(_SURNAMES), size)
    first_m = rng.integers(0, len(_MALE_NAMES), size)
    first_f = rng.integers(0, len(_FEMALE_NAMES), size)
    patronymic = rng.integers(0, len(_PATRONYMICS), size)
    sur_ru = pd.Series([s for s, _ in _SURNAMES], dtype="str").iloc[surname].reset_index(drop=True)
    sur_lat = pd.Series([s for _, s in _SURNAMES], dtype="str").iloc[surname].reset_index(drop=True)
    sur_ru = sur_ru.where(~female, sur_ru + "а")
    sur_lat = sur_lat.where(~female, sur_lat + "a")
    m_ru = pd.Series([s for s, _ in _MALE_NAMES], dtype="str").iloc[first_m].reset_index(drop=True)
    m_lat = pd.Series([s for _, s in _MALE_NAMES], dtype="str").iloc[first_m].reset_index(drop=True)
    f_ru = pd.Series([s for s, _ in _FEMALE_NAMES], dtype="str").iloc[first_f].reset_index(drop=True)
    f_lat = pd.Series([s for _, s in _FEMALE_NAMES], dtype="str").iloc[first_f].reset_index(drop=True)
    p_m = pd.Series([m for m, _ in _PATRONYMICS], dtype="str").iloc[patronymic].reset_index(drop=True)
    p_f = pd.Series([f for _, f in _PATRONYMICS], dtype="str").iloc[patronymic].reset_index(drop=True)
    out = pd.DataFrame({
        "surname": sur_ru, "first": m_ru.where(~female, f_ru), "patronymic": p_m.where(~female, p_f),
        "surname_lat": sur_lat, "first_lat": m_lat.where(~female, f_lat),
        "suffix": pd.Series("", index=range(size), dtype="str"),
    })
    if tier == 1:
        city = rng.integers(0, len(_CITIES), size)
        out["suffix"] = " (" + pd.Series([c for c, _ in _CITIES], dtype="str").iloc[city].reset_index(drop=True) + ")"
    elif tier >= 2:
        year = pd.Series(rng.integers(1950, 2004, size), dtype="int64").astype("str")
        out["suffix"] = " " + year + " г.р."
    return out


def _render_names(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Наименование and Полное наименование as 1C users type them, from the parts.

    Company styles: 0 ``Альфа-Снаб ООО``, 1 ``ООО «Альфа-Снаб»``, 2 ``ООО "Альфа-Снаб"``,
    3 ``ООО Альфа-Снаб``, 4 ``Альфа-Снаб, ООО`` — one name key. Sole traders: 0 ``ИП Волков
    Д. С.`` and 2 ``Волков Д.С. ИП`` (one key), 1 ``ИП Волков Дмитрий Сергеевич`` and 3
    ``Индивидуальный предприниматель Волков Дмитрий Сергеевич`` (another). People: the full
    name; style 1 upper case, 2 lower case, 3 ``ё`` written as ``е`` (one key). ``suffix``
    (a branch's city, a namesake's city or birth year) goes last.
    """
    ctype, style = frame["ctype"].to_numpy(), frame["style"].to_numpy()
    form = frame["form"].to_numpy()
    short = pd.Series([f for f, _ in _FORMS], dtype="str").iloc[form].to_numpy()
    long = pd.Series([f for _, f in _FORMS], dtype="str").iloc[form].to_numpy()
    core = frame["core"]
    fio = frame["surname"] + " " + frame["first"] + " " + frame["patronymic"]
    initials = frame["first"].str[0] + "." + " " + frame["patronymic"].str[0] + "."
    initials2 = frame["first"].str[0] + "." + frame["patronymic"].str[0] + "."
    suffix = frame["suffix"]
    company = ctype == _COMPANY
    trader = ctype == _SOLE_TRADER
    person = ctype == _PERSON
    name = np.select(
        [
            company & (style == 0), company & (style == 1), company & (style == 2), company & (style == 3),
            company & (style == 4),
            trader & (style == 0), trader & (style == 1), trader & (style == 2), trader & (style == 3),
            person & (style == 1), person & (style == 2), person & (style == 3),
        ],
        [
            core + " " + short + suffix, short + " «" + core + "»" + suffix, short + ' "' + core + '"' + suffix,
            short + " " + core + suffix, core + ", " + short + suffix,
            "ИП " + frame["surname"] + " " + initials + suffix, "ИП " + fio + suffix,
            frame["surname"] + " " + initials2 + " ИП" + suffix, "Индивидуальный предприниматель " + fio + suffix,
            (fio + suffix).str.upper(), (fio + suffix).str.lower(), (fio + suffix).str.replace("ё", "е"),
        ],
        fio + suffix,
    )
    full = np.select(
        [company, trader], [long + ' "' + core + '"' + suffix, "Индивидуальный предприниматель " + fio], fio
    )
    return pd.Series(name, index=frame.index, dtype="str"), pd.Series(full, index=frame.index, dtype="str")


_NAME_PARTS = ("core", "lat", "form", "style", "surname", "first", "patronymic", "surname_lat", "first_lat",
               "suffix")


def _identities(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    """Unique names (exactly and by name key), ИНН and КПП, for every customer."""
    ctype = cust["ctype"].to_numpy()
    chosen: list[pd.DataFrame] = []
    taken: set[str] = set()
    # companies: walk the tiers of cores in a random order
    want = int((ctype == _COMPANY).sum())
    got: list[pd.DataFrame] = []
    tier = 0
    while want > 0:
        cand = _company_candidates(rng, tier)
        cand["ctype"] = _COMPANY
        cand["form"] = rng.choice(len(_FORMS), len(cand), p=_FORM_WEIGHTS)
        cand["style"] = rng.choice(5, len(cand), p=_COMPANY_STYLE_WEIGHTS)
        for col in ("surname", "first", "patronymic", "surname_lat", "first_lat", "suffix"):
            cand[col] = pd.Series("", index=cand.index, dtype="str")
        # tier 2 holds millions of candidates: render and check them a slice at a time and
        # stop once enough are found (the kept ones are the same as checking all at once,
        # since a slice only drops names already seen in the slices before it)
        for low in range(0, len(cand), _CANDIDATES_PER_SLICE):
            fresh = _fresh(cand.iloc[low:low + _CANDIDATES_PER_SLICE], taken)
            got.append(fresh.iloc[:want])
            want -= len(got[-1])
            if want <= 0:
                break
        tier += 1
        if tier > 2 and want > 0:
            raise RuntimeError("demo generator: not enough distinct company names")
    chosen.append(pd.concat(got, ignore_index=True))
    # sole traders, then people: draw, drop names already taken, repeat with longer names
    for kind, styles in ((_SOLE_TRADER, _TRADER_STYLE_WEIGHTS), (_PERSON, (1.0,))):
        want = int((ctype == kind).sum())
        got = []
        for attempt in range(12):
            if want <= 0:
                break
            cand = _person_candidates(rng, 2 * want + 50, min(attempt // 2, 2))
            cand["ctype"] = kind
            cand["style"] = rng.choice(len(styles), len(cand), p=styles)
            cand["core"] = pd.Series("", index=cand.index, dtype="str")
            cand["lat"] = pd.Series("", index=cand.index, dtype="str")
            cand["form"] = 0
            cand = _fresh(cand, taken)
            got.append(cand.iloc[:want])
            want -= len(got[-1])
        if want > 0:
            raise RuntimeError("demo generator: not enough distinct personal names")
        chosen.append(pd.concat(got, ignore_index=True))
    # the pools were filled per type: hand them out to customers of that type
    parts = pd.DataFrame(index=cust.index, columns=list(_NAME_PARTS))
    for kind, pool in zip((_COMPANY, _SOLE_TRADER, _PERSON), chosen, strict=True):
        rows = np.flatnonzero(ctype == kind)
        parts.iloc[rows] = pool[list(_NAME_PARTS)].iloc[: len(rows)].to_numpy()
    out = cust.copy()
    for col in _NAME_PARTS:
        out[col] = parts[col].astype("int64" if col in ("form", "style") else "str")
    out["name"], out["full_name"] = _render_names(out)
    out["inn"], out["kpp"], out["tax_code"] = _tax_ids(rng, out)
    return out


def _fresh(cand: pd.DataFrame, taken: set[str]) -> pd.DataFrame:
    """Candidates whose name key is new (not taken, not repeated); adds them to `taken`."""
    name, _ = _render_names(cand)
    key = identifiers.normalize_names(name)
    keep = key.notna() & ~key.duplicated() & ~key.isin(taken)
    taken.update(key[keep].tolist())
    return cand.loc[keep.to_numpy()].reset_index(drop=True)


def _check_digits(body: np.ndarray, width: int) -> np.ndarray:
    """ИНН with the ФНС check digit(s) appended to 9-digit (width 10) or 10-digit (width 12) bodies.

    The algorithm of `identifiers.inn_check_digits`, on integer arrays.
    """
    n_body = 9 if width == 10 else 10
    digits = (body[:, None] // 10 ** np.arange(n_body - 1, -1, -1)) % 10
    if width == 10:
        return body * 10 + (digits @ np.array(_W10)) % 11 % 10
    eleventh = (digits @ np.array(_W11)) % 11 % 10
    twelfth = (np.column_stack([digits, eleventh]) @ np.array(_W12)) % 11 % 10
    return body * 100 + eleventh * 10 + twelfth


_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _distinct(rng: np.random.Generator, head: np.ndarray, span: int, low: int = 0) -> np.ndarray:
    """head × span + a random tail in [low, span), redrawn until no two rows are equal."""
    values = head * span + rng.integers(low, span, len(head))
    for _ in range(100):
        repeat = pd.Series(values).duplicated().to_numpy()
        if not repeat.any():
            return values
        values[repeat] = head[repeat] * span + rng.integers(low, span, int(repeat.sum()))
    raise RuntimeError("demo generator: could not draw distinct numbers (too many customers per region?)")


def _tax_ids(rng: np.random.Generator, cust: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Valid, distinct ИНН (10 digits for companies, 12 for individuals), КПП, tax office code."""
    n = len(cust)
    ctype = cust["ctype"].to_numpy()
    region = cust["region"].to_numpy()
    pick = rng.integers(0, 3, n)
    code = np.zeros(n, dtype=np.int64)
    for r, (_, codes, _) in enumerate(_REGIONS):
        rows = region == r
        code[rows] = np.asarray(codes)[pick[rows] % len(codes)]
    tax_code = code * 100 + rng.integers(1, 37, n)  # region + inspection: the first 4 digits
    company = ctype == _COMPANY
    text = pd.Series("", index=cust.index, dtype="str")
    text[company] = _digits_text(_check_digits(_distinct(rng, tax_code[company], 10**5), 10), 10)
    text[~company] = _digits_text(_check_digits(_distinct(rng, tax_code[~company], 10**6), 12), 12)
    has_inn = cust["has_inn"].to_numpy()
    tax_text = _digits_text(tax_code, 4)
    tax_text.index = cust.index
    kpp = (tax_text + "01001").where(company & has_inn)
    return text.where(has_inn), kpp, tax_text


def _digits_text(values: np.ndarray, width: int) -> pd.Series:
    return pd.Series(values, dtype="int64").astype("str").str.zfill(width)


def _phone_numbers(rng: np.random.Generator, region: np.ndarray, mobile: np.ndarray) -> np.ndarray:
    """Distinct 10-digit national numbers: a landline code of the region or a 9XX mobile.

    Subscriber numbers start at 2 000 000; the range below is kept for `_only_contacts_reachable`.
    """
    landline = np.zeros(len(region), dtype=np.int64)
    pick = rng.integers(0, 3, len(region))
    for r, (_, _, codes) in enumerate(_REGIONS):
        rows = region == r
        landline[rows] = np.asarray(codes)[pick[rows] % len(codes)]
    prefix = np.where(mobile, rng.integers(900, 1000, len(region)), landline)
    return _distinct(rng, prefix, 10_000_000, low=2_000_000)


def _render_phones(numbers: np.ndarray, notation: np.ndarray) -> pd.Series:
    """Phones as typed into 1C: ``+7 (495) 555-12-34``, ``8 916 123-45-67``, ``84951234567``..."""
    d = pd.Series(numbers, dtype="int64").astype("str")
    a, b, c, e = d.str[0:3], d.str[3:6], d.str[6:8], d.str[8:10]
    dashed = b + "-" + c + "-" + e
    choices = [
        "+7 (" + a + ") " + dashed, "8 (" + a + ") " + dashed, "8 " + a + " " + dashed, "8" + d,
        "+7 " + a + " " + b + c + e, "+7" + d, "8-" + a + "-" + dashed, "7 " + a + " " + b + " " + c + " " + e,
    ]
    out = np.select([notation == i for i in range(len(choices))], choices, "")
    return pd.Series(out, dtype="str")


def _contact_people(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    """Contact persons of some companies (and a few sole traders): names and roles."""
    ctype = cust["ctype"].to_numpy()
    has = rng.random(len(cust)) < np.array((0.4, 0.1, 0.0))[ctype]
    count = np.where(has, rng.choice((1, 2, 3), len(cust), p=(0.6, 0.3, 0.1)), 0)
    owner = np.repeat(np.arange(len(cust)), count)
    people = _person_candidates(rng, len(owner), 0)
    return pd.DataFrame({
        "owner": owner,
        "name": people["surname"] + " " + people["first"] + " " + people["patronymic"],
        "role": pd.Series(np.array(_ROLES)[rng.integers(0, len(_ROLES), len(owner))], dtype="str"),
        "first_lat": people["first_lat"], "surname_lat": people["surname_lat"],
        "has_phone": rng.random(len(owner)) < 0.8, "has_email": rng.random(len(owner)) < 0.6,
    })


def _contact_details(
    rng: np.random.Generator, cust: pd.DataFrame, contacts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Phones and emails for customers and contacts, distinct by their normalised keys."""
    n, m = len(cust), len(contacts)
    ctype = cust["ctype"].to_numpy()
    region = np.concatenate([cust["region"].to_numpy(), cust["region"].to_numpy()[contacts["owner"].to_numpy()]])
    mobile = np.concatenate([rng.random(n) < np.array((0.3, 0.7, 0.9))[ctype], rng.random(m) < 0.85])
    numbers = _phone_numbers(rng, region, mobile)
    notation = rng.choice(len(_PHONE_NOTATION_WEIGHTS), n + m, p=_PHONE_NOTATION_WEIGHTS)
    phones = _render_phones(numbers, notation)

    tld = np.where(rng.random(n) < 0.88, ".ru", ".com")
    company_domain = cust["lat"] + pd.Series(tld, dtype="str")
    box = pd.Series(np.array(_COMPANY_MAILBOXES)[rng.integers(0, len(_COMPANY_MAILBOXES), n)], dtype="str")
    digits = pd.Series(rng.integers(1, 100, n), dtype="int64").astype("str").where(rng.random(n) < 0.6, "")
    mail = pd.Series(np.array(_MAIL_DOMAINS)[rng.integers(0, len(_MAIL_DOMAINS), n)], dtype="str")
    personal = cust["first_lat"] + "." + cust["surname_lat"] + digits + "@" + mail
    own_email = (box + "@" + company_domain).where(ctype == _COMPANY, personal)
    owner = contacts["owner"].to_numpy()
    contact_email = (contacts["first_lat"].str[0] + "." + contacts["surname_lat"] + "@"
                     + company_domain.iloc[owner].reset_index(drop=True))
    emails = pd.concat([own_email, contact_email], ignore_index=True)
    # the rare repeat (same initial and surname at one company, a namesake at mail.ru) is left empty
    emails = emails.mask(identifiers.normalize_emails(emails).duplicated())

    out = cust.copy()
    out["phone_number"] = numbers[:n]
    out["phone_notation"] = notation[:n]
    out["phone"] = phones.iloc[:n].where(out["has_phone"].to_numpy()).to_numpy()
    out["email"] = emails.iloc[:n].where(out["has_email"].to_numpy()).to_numpy()
    out["phone"] = out["phone"].astype("str")
    out["email"] = out["email"].astype("str")
    contacts = contacts.copy()
    contacts["phone"] = pd.Series(phones.iloc[n:].to_numpy(), dtype="str").where(contacts["has_phone"].to_numpy())
    contacts["email"] = pd.Series(emails.iloc[n:].to_numpy(), dtype="str").where(contacts["has_email"].to_numpy())
    return out, contacts


def _only_contacts_reachable(
    rng: np.random.Generator, cust: pd.DataFrame, contacts: pd.DataFrame, used: np.ndarray
) -> pd.DataFrame:
    """A fifth of the companies with contact persons have no phone or email of their own:
    only their contact person's (who then has a phone). Changes `cust` in place."""
    owners = np.unique(contacts["owner"].to_numpy())
    owners = owners[~used[owners] & ~cust["is_deleted"].to_numpy()[owners]]
    chosen = owners[rng.random(len(owners)) < 0.2]
    cust.loc[chosen, "phone"] = pd.NA
    cust.loc[chosen, "email"] = pd.NA
    first_contact = ~contacts["owner"].duplicated()
    needs = first_contact & contacts["owner"].isin(chosen) & contacts["phone"].isna()
    if needs.any():
        # a number nobody has: subscriber numbers below 2 000 000 are never drawn
        numbers = 9_990_000_000 + np.flatnonzero(needs.to_numpy()).astype(np.int64) % 2_000_000
        contacts = contacts.copy()
        contacts.loc[needs, "phone"] = _render_phones(numbers, np.zeros(len(numbers), dtype=np.int64)).to_numpy()
    return contacts


# --- planted problems -----------------------------------------------------------------


def _share(n: int, share: float, low: int) -> int:
    return max(low, round(share * n))


def _plant(rng: np.random.Generator, cust: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Duplicates of every rule, branches, invalid ИНН/КПП and deleted look-alikes.

    Returns the customers and what was planted: ``used`` (customers taking part),
    ``duplicates`` (lists of customer positions per group), ``branches`` (likewise),
    ``invalid`` (position, field, problem) and ``deleted_of`` (deleted card → its original).
    Every other card keeps its distinct name key, ИНН, phone and email.
    """
    out = cust.copy()
    n = len(out)
    used = np.zeros(n, dtype=bool)
    ctype = out["ctype"].to_numpy()
    company = ctype == _COMPANY
    active = out["behaviour"].to_numpy() != "potential"
    has_inn = out["inn"].notna().to_numpy()
    has_phone = out["phone"].notna().to_numpy()
    has_email = out["email"].notna().to_numpy()
    anyone = np.ones(n, dtype=bool)

    def take(mask: np.ndarray, size: int) -> np.ndarray:
        pool = np.flatnonzero(mask & ~used)
        if len(pool) < size:
            raise RuntimeError("demo generator: too few customers to plant the audit's problems")
        chosen = rng.choice(pool, size, replace=False)
        used[chosen] = True
        return chosen

    def take_like(originals: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One customer of the same type per original."""
        chosen = np.empty(len(originals), dtype=np.int64)
        for t in range(3):
            rows = ctype[originals] == t
            chosen[rows] = take(mask & (ctype == t), int(rows.sum()))
        return chosen

    def copy_name(dst: np.ndarray, src: np.ndarray, *, variant: bool) -> None:
        for col in _NAME_PARTS:
            out.loc[dst, col] = out.loc[src, col].to_numpy()
        if variant:
            out.loc[dst, "style"] = _variant_style(rng, ctype[src], out.loc[src, "style"].to_numpy())

    def copy_tax(dst: np.ndarray, src: np.ndarray) -> None:
        for col in ("inn", "kpp", "tax_code"):
            out.loc[dst, col] = out.loc[src, col].to_numpy()

    def copy_phone(dst: np.ndarray, src: np.ndarray) -> None:
        number = out.loc[src, "phone_number"].to_numpy()
        notation = (out.loc[src, "phone_notation"].to_numpy() + rng.integers(1, 8, len(src))) % 8
        out.loc[dst, "phone"] = _render_phones(number, notation).to_numpy()

    def copy_email(dst: np.ndarray, src: np.ndarray) -> None:
        out.loc[dst, "email"] = _email_variants(rng, out.loc[src, "email"]).to_numpy()

    duplicates: list[np.ndarray] = []
    # deleted look-alikes first: they are potential customers (no orders) of the original's type
    n_deleted = _share(n, 0.004, 3)
    modes = np.arange(n_deleted) % 3  # same ИНН+КПП, same phone, same email; all with a name variant
    originals = np.concatenate([
        take(company & has_inn & active, int((modes == 0).sum())),
        take(has_phone & active, int((modes == 1).sum())),
        take(has_email & active, int((modes == 2).sum())),
    ])
    deleted = take_like(originals, ~active)
    copy_name(deleted, originals, variant=True)
    sorted_modes = np.sort(modes)
    copy_tax(deleted[sorted_modes == 0], originals[sorted_modes == 0])
    copy_phone(deleted[sorted_modes == 1], originals[sorted_modes == 1])
    copy_email(deleted[sorted_modes == 2], originals[sorted_modes == 2])
    out.loc[deleted, "is_deleted"] = True

    # same ИНН+КПП: with a name variant (also the name rule), with a name that differs more,
    # and groups of three with both
    pairs = _share(n, 0.002, 1)
    a = take(company & has_inn, pairs)
    b = take(company, pairs)
    copy_name(b, a, variant=True)
    copy_tax(b, a)
    duplicates += list(np.column_stack([a, b]))
    a = take(company & has_inn, pairs)
    b = take(company, pairs)
    copy_name(b, a, variant=False)
    _rename_more(rng, out, b)
    copy_tax(b, a)
    duplicates += list(np.column_stack([a, b]))
    triples = _share(n, 0.0005, 1)
    a = take(company & has_inn, triples)
    b = take(company, triples)
    c = take(company, triples)
    copy_name(b, a, variant=True)
    copy_name(c, a, variant=False)
    _rename_more(rng, out, c)
    copy_tax(b, a)
    copy_tax(c, a)
    duplicates += list(np.column_stack([a, b, c]))
    # same phone in another notation; same email in another case or with spaces
    pairs = _share(n, 0.003, 2)
    a = take(has_phone, pairs)
    b = take(anyone, pairs)
    copy_phone(b, a)
    duplicates += list(np.column_stack([a, b]))
    a = take(has_email, pairs)
    b = take(anyone, pairs)
    copy_email(b, a)
    duplicates += list(np.column_stack([a, b]))
    # same name key: half companies (the copy without ИНН or with its own), half people
    half = (pairs + 1) // 2
    a = np.concatenate([take(company, half), take(~company, pairs - half)])
    b = take_like(a, anyone)
    copy_name(b, a, variant=True)
    no_inn = b[company[b] & (rng.random(len(b)) < 0.5)]
    out.loc[no_inn, ["inn", "kpp"]] = pd.NA
    duplicates += list(np.column_stack([a, b]))
    # chains: a and b share a phone, b and c an email — one group of three
    chains = _share(n, 0.001, 1)
    a = take(has_phone, chains)
    b = take(has_email, chains)
    c = take(anyone, chains)
    copy_phone(b, a)
    copy_email(c, b)
    duplicates += list(np.column_stack([a, b, c]))

    # branches: the head's ИНН, a КПП of reason code 43 (обособленное подразделение)
    heads = take(company & has_inn, _share(n, 0.003, 2))
    threes = rng.random(len(heads)) < 0.2
    first = take(company, len(heads))
    second = take(company, int(threes.sum()))
    city = rng.integers(0, len(_CITIES), len(heads))
    for members, kpp_tail, shift in ((first, "43001", 0), (second, "43002", 1)):
        src = heads if shift == 0 else heads[threes]
        copy_name(members, src, variant=False)
        town = (city if shift == 0 else city[threes] + 1 + rng.integers(0, len(_CITIES) - 1, len(src))) % len(_CITIES)
        out.loc[members, "suffix"] = (" (филиал г. " + pd.Series(np.array([c for c, _ in _CITIES])[town],
                                                                 dtype="str") + ")").to_numpy()
        out.loc[members, "inn"] = out.loc[src, "inn"].to_numpy()
        out.loc[members, "kpp"] = (out.loc[members, "tax_code"] + kpp_tail).to_numpy()
    third = np.full(len(heads), -1)
    third[threes] = second
    branches = [group[group >= 0] for group in np.column_stack([heads, first, third])]

    invalid = _plant_invalid_ids(rng, out, take, company, has_inn)
    out["name"], out["full_name"] = _render_names(out)
    # a person's "ё → е" variant of a name without ё is the same string: write it in capitals
    same = out["name"].duplicated(keep=False) & (out["ctype"] == _PERSON) & (out["style"] == 3)
    out.loc[same, "style"] = 1
    out["name"], out["full_name"] = _render_names(out)
    planted = {
        "used": used, "duplicates": duplicates, "branches": branches, "invalid": invalid,
        "deleted_of": dict(zip(deleted.tolist(), originals.tolist(), strict=True)),
    }
    return out, planted


def _variant_style(rng: np.random.Generator, ctype: np.ndarray, style: np.ndarray) -> np.ndarray:
    """Another way of writing the same name key (see `_render_names`)."""
    company = (style + rng.integers(1, 5, len(style))) % 5
    trader = np.where(style % 2 == 0, 2 - style, 4 - style)  # 0 <-> 2, 1 <-> 3
    person = rng.integers(1, 4, len(style))
    return np.select([ctype == _COMPANY, ctype == _SOLE_TRADER], [company, trader], person)


def _rename_more(rng: np.random.Generator, out: pd.DataFrame, rows: np.ndarray) -> None:
    """A duplicate card whose name differs by more than spelling (the name rule misses it)."""
    core = out.loc[rows, "core"]
    more = np.where(rng.random(len(rows)) < 0.5, "ТД " + core, core + "-М")
    out.loc[rows, "core"] = more


def _email_variants(rng: np.random.Generator, email: pd.Series) -> pd.Series:
    """The same address in other case or with spaces around it."""
    how = rng.integers(0, 4, len(email))
    email = email.reset_index(drop=True)
    out = np.select([how == 0, how == 1, how == 2], [email.str.upper(), email.str.title(), " " + email],
                    email.str.title() + " ")
    return pd.Series(out, dtype="str")


def _plant_invalid_ids(
    rng: np.random.Generator, out: pd.DataFrame, take: Callable[[np.ndarray, int], np.ndarray],
    company: np.ndarray, has_inn: np.ndarray,
) -> pd.DataFrame:
    """One customer per row below gets exactly one problem (REFERENCE.md "Base audit")."""
    n = len(out)
    per_code = _share(n, 0.001, 2)
    individual = ~company
    trader = out["ctype"].to_numpy() == _SOLE_TRADER
    records: list[pd.DataFrame] = []

    def record(rows: np.ndarray, field: str, problem: str) -> None:
        records.append(pd.DataFrame({"pos": rows, "field": field, "problem": problem}))

    half = (per_code + 1) // 2
    rows = take(company & has_inn, half)  # 9 digits next to a valid КПП
    out.loc[rows, "inn"] = out.loc[rows, "inn"].str[:9].to_numpy()
    record(rows, "inn", identifiers.LENGTH)
    rows = take(individual & has_inn, per_code - half)  # 11 digits
    out.loc[rows, "inn"] = out.loc[rows, "inn"].str[:11].to_numpy()
    record(rows, "inn", identifiers.LENGTH)
    rows = take(company & has_inn, per_code)  # a Cyrillic О typed for a zero, or a space inside
    inn = out.loc[rows, "inn"]
    letter = inn.str[:4] + "О" + inn.str[5:]
    spaced = inn.str[:4] + " " + inn.str[4:]
    out.loc[rows, "inn"] = np.where(np.arange(len(rows)) % 2 == 0, letter, spaced)
    record(rows, "inn", identifiers.NOT_DIGITS)
    rows = take(company & has_inn, 1)  # one placeholder of each width: more would be branches
    out.loc[rows, "inn"] = "0000000000"
    record(rows, "inn", identifiers.ALL_ZEROS)
    rows = take(individual & has_inn, 1)
    out.loc[rows, "inn"] = "000000000000"
    record(rows, "inn", identifiers.ALL_ZEROS)
    rows = np.concatenate([take(company & has_inn, half), take(individual & has_inn, per_code - half)])
    inn = out.loc[rows, "inn"]
    last = ((inn.str[-1].astype("int64") + 1) % 10).astype("str")
    out.loc[rows, "inn"] = (inn.str[:-1] + last).to_numpy()
    record(rows, "inn", identifiers.CHECKSUM)
    rows = take(company & has_inn, per_code)  # 8 characters, or dashes inside
    kpp = out.loc[rows, "kpp"]
    short = kpp.str[:8]
    dashed = kpp.str[:4] + "-" + kpp.str[4:6] + "-" + kpp.str[6:]
    out.loc[rows, "kpp"] = np.where(np.arange(len(rows)) % 2 == 0, short, dashed)
    record(rows, "kpp", identifiers.KPP_FORMAT)
    rows = take(company & has_inn, per_code)
    out.loc[rows, "kpp"] = pd.NA
    record(rows, "kpp", identifiers.KPP_MISSING)
    rows = take(trader & has_inn, per_code)
    out.loc[rows, "kpp"] = (out.loc[rows, "tax_code"] + "01001").to_numpy()
    record(rows, "kpp", identifiers.KPP_UNEXPECTED)
    return pd.concat(records, ignore_index=True)


# --- documents ------------------------------------------------------------------------

_SIGMA = {"steady": 0.15, "declining": 0.15, "irregular": 0.6, "churned": 0.35, "one_off": 0.6, "new": 0.5}


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., count-1 for each group of a repeated array."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _no_sundays(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    """Sunday documents move to Saturday (the warehouse is closed on Sundays)."""
    return days - ((cal.weekday(days) == 6) & (days > 0))


def _docs_frame(owner: np.ndarray, day: np.ndarray, target: np.ndarray, *, campaign: int | np.ndarray = -1,
                kind: int = 0) -> pd.DataFrame:
    return pd.DataFrame({
        "owner": np.asarray(owner, dtype=np.int64), "day": np.asarray(day, dtype=np.int64),
        "target": np.asarray(target, dtype=float),
        "campaign": np.broadcast_to(np.asarray(campaign, dtype=np.int64), len(owner)).copy(),
        "kind": np.full(len(owner), kind, dtype=np.int8), "cancelled": np.zeros(len(owner), dtype=bool),
    })


def _regular_documents(
    rng: np.random.Generator, cust: pd.DataFrame, cal: _Calendar
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Every customer's own sale documents by behaviour, before campaigns, returns, cancels.

    Returns the documents and each customer's first and last document day (-1 when none).
    """
    b = cust["behaviour"].to_numpy()
    A, E, W = cal.as_of_day, cal.last_day, cal.window_day
    owners, days, mults = [], [], []

    # monthly buyers: one document in each month from the first to the last month of data
    idx = np.flatnonzero(np.isin(b, ["steady", "declining"]))
    declining = b[idx] == "declining"
    m_data = int(cal.months(np.array([0]))[0]) + 1  # the first whole month
    m_as_of, m_end = int(cal.months(np.array([A]))[0]), int(cal.months(np.array([E]))[0])
    m_last = m_end if cal.end.day >= 3 else m_end - 1
    # declining ones need the year before as_of's quarter as a baseline, steady ones the window
    latest = np.where(declining, m_as_of - 15, m_as_of - 12)
    first = np.where(rng.random(len(idx)) < 0.6, m_data, rng.integers(m_data, latest + 1))
    counts = m_last - first + 1
    month = np.repeat(first, counts) + _ranks(counts)
    month_day = cal.month_first_day(month)
    high = np.minimum(26, cal.month_first_day(month + 1) - month_day)
    high = np.where(month == m_end, np.minimum(high, cal.end.day), high)
    day = month_day + 2 + np.floor(rng.random(len(month)) * (high - 2)).astype(np.int64)  # 3rd..high-th
    # declining: from as_of's quarter on, smaller orders, and every other month or so (the
    # first month of the quarter always: they still buy)
    owner = np.repeat(idx, counts)
    drop = np.repeat(np.where(declining, rng.uniform(0.15, 0.3, len(idx)), 1.0), counts)
    late = np.repeat(declining, counts) & (day >= cal.quarter_day)
    skip = late & (month > int(cal.months(np.array([cal.quarter_day]))[0])) & (rng.random(len(day)) < 0.5)
    owners.append(owner[~skip])
    days.append(day[~skip])
    mults.append(np.where(late, drop, 1.0)[~skip])

    # irregular: a first order, random ones after it, and at least one inside the window
    idx = np.flatnonzero(b == "irregular")
    t0 = np.where(rng.random(len(idx)) < 0.5, rng.integers(0, 46, len(idx)), rng.integers(0, A - 200, len(idx)))
    rest = rng.poisson((E - t0) / rng.uniform(60, 180, len(idx)))
    t0r = np.repeat(t0, rest)
    low = np.maximum(W + 1, t0 + 7)
    owners += [idx, np.repeat(idx, rest), idx]
    days += [t0, t0r + np.floor(rng.random(len(t0r)) * (E - t0r + 1)).astype(np.int64),
             low + np.floor(rng.random(len(idx)) * (A - 3 - low + 1)).astype(np.int64)]
    mults += [np.ones(len(idx)), np.ones(len(t0r)), np.ones(len(idx))]

    # churned: regular buying until 125-295 days before as_of, then nothing
    idx = np.flatnonzero(b == "churned")
    last = A - rng.integers(125, 296, len(idx))
    t0 = np.where(rng.random(len(idx)) < 0.5, rng.integers(0, 31, len(idx)), rng.integers(0, last - 240 + 1))
    mid = np.maximum(2, rng.poisson((last - t0) / rng.uniform(30, 75, len(idx))))
    t0r, lastr = np.repeat(t0, mid), np.repeat(last, mid)
    owners += [idx, idx, np.repeat(idx, mid)]
    days += [t0, last, t0r + np.floor(rng.random(len(t0r)) * (lastr - t0r)).astype(np.int64)]
    mults += [np.ones(len(idx)), np.ones(len(idx)), np.ones(len(t0r))]

    # one-off: a single document, more than 100 days before as_of
    idx = np.flatnonzero(b == "one_off")
    owners.append(idx)
    days.append(rng.integers(5, A - 100 + 1, len(idx)))
    mults.append(np.ones(len(idx)))

    # new: the first order 8-85 days before as_of, up to three more after it
    idx = np.flatnonzero(b == "new")
    t1 = A - rng.integers(8, 86, len(idx))
    more = rng.integers(0, 4, len(idx))
    t1r = np.repeat(t1, more) + 7
    owners += [idx, np.repeat(idx, more)]
    days += [t1, t1r + np.floor(rng.random(len(t1r)) * (E - t1r + 1)).astype(np.int64)]
    mults += [np.ones(len(idx)), np.ones(len(t1r))]

    owner = np.concatenate(owners)
    day = _no_sundays(np.concatenate(days), cal)
    sigma = pd.Series(b[owner]).map(_SIGMA).to_numpy(dtype=float)
    target = cust["scale"].to_numpy()[owner] * np.concatenate(mults) * rng.lognormal(0.0, sigma)
    docs = _docs_frame(owner, day, target)
    first_day, last_day = _first_last(owner, day, len(cust))
    return docs, first_day, last_day


def _year(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970


def _first_last(owner: np.ndarray, day: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, -1, dtype=np.int64)
    np.minimum.at(first, owner, day)
    np.maximum.at(last, owner, day)
    return np.where(last >= 0, first, -1), last


def _campaign_effects(
    rng: np.random.Generator, cust: pd.DataFrame, cal: _Calendar, first_day: np.ndarray, last_day: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The campaigns with members: groups, contact dates and the extra orders they cause.

    Returns campaigns (one row per `_CAMPAIGNS` entry), members, extra documents and the
    customers reactivated by the reactivation campaign.
    """
    n = len(cust)
    b = cust["behaviour"].to_numpy()
    scale = cust["scale"].to_numpy()
    m_as_of = int(cal.months(np.array([cal.as_of_day]))[0])
    rows, members, extras, reactivated = [], [], [], []
    for c, spec in enumerate(_CAMPAIGNS):
        start = int(cal.month_first_day(np.array([m_as_of + spec.month]))[0])
        end = start + spec.days - 1
        attribution_end = end + _RESPONSE_WINDOW_DAYS
        if spec.pool == "churned":
            pool = np.flatnonzero((b == "churned") & (last_day >= 0) & (last_day <= start - 60))
            n_target = round(spec.target_share * len(pool))
            n_control = len(pool) - n_target
        else:
            kinds = ["steady", "irregular"] + (["declining"] if spec.pool == "active" else [])
            pool = np.flatnonzero(np.isin(b, kinds) & (first_day >= 0) & (first_day < start))
            n_target, n_control = round(spec.target_share * n), round(spec.control_share * n)
            if n_target + n_control > len(pool):
                fit = len(pool) / (n_target + n_control)
                n_target, n_control = int(n_target * fit), int(n_control * fit)
        order = rng.permutation(pool)
        target, control = order[:n_target], order[n_target:n_target + n_control]
        contact = start + rng.integers(0, spec.days, n_target + n_control)
        members.append(pd.DataFrame({
            "campaign": c, "owner": np.concatenate([target, control]),
            "group": np.repeat(["target", "control"], [n_target, n_control]), "day": contact,
        }))
        responders = round(spec.response_rate * n_target) if spec.response_rate > 0 else 0
        responders = max(responders, 1) if spec.response_rate > 0 and n_target > 0 else responders
        who = rng.choice(n_target, responders, replace=False)
        owner = target[who]
        day = _no_sundays(contact[who] + rng.integers(2, 26, responders), cal)
        amount = scale[owner] * spec.amount_factor * rng.lognormal(0.0, _EXTRA_ORDER_SIGMA, responders)
        keep = day <= cal.last_day
        extras.append(_docs_frame(owner[keep], day[keep], amount[keep], campaign=c))
        expected = 0.0
        if n_target:
            expected = (responders / n_target) * spec.amount_factor * float(np.exp(_EXTRA_ORDER_SIGMA**2 / 2)) * float(
                scale[target].mean())
        if spec.kind == "reactivation":
            reactivated.append(owner)
            # back to buying after the attribution window: these orders are not the campaign's
            later = rng.integers(0, 4, responders) * (attribution_end < cal.last_day)
            low = attribution_end + 1
            when = low + np.floor(rng.random(int(later.sum())) * (cal.last_day - low + 1)).astype(np.int64)
            when = _no_sundays(when, cal)
            follow = np.repeat(owner, later)[when > attribution_end]
            when = when[when > attribution_end]
            extras.append(_docs_frame(follow, when, scale[follow] * rng.lognormal(0.0, 0.35, len(follow))))
        rows.append({
            "cid": c, "name": spec.name.format(year=_year(cal.dates(np.array([start])))[0]),
            "kind": spec.kind, "channel": spec.channel, "start_day": start, "end_day": end,
            "attribution_end_day": attribution_end, "has_control": n_control > 0, "target_size": n_target,
            "control_size": n_control, "responders": responders, "effect": expected,
            "cost": round(spec.cost_per_member * n_target * rng.uniform(0.9, 1.1), -2),
        })
    campaigns = pd.DataFrame(rows)
    return (campaigns, pd.concat(members, ignore_index=True), pd.concat(extras, ignore_index=True),
            np.concatenate(reactivated))


def _finish_documents(rng: np.random.Generator, cust: pd.DataFrame, docs: pd.DataFrame, cal: _Calendar) -> pd.DataFrame:
    """Add returns and cancelled documents, times of day, and 1C's numbering.

    Returns follow ~1.5 % of the sales of steady and irregular customers by 3-20 days; ~0.5 %
    of documents were entered twice and the first copy cancelled. Neither touches one-off,
    new, churned-after-the-last-order or campaign documents, so behaviours stay exact.
    """
    b = cust["behaviour"].to_numpy()[docs["owner"].to_numpy()]
    regular = (docs["campaign"].to_numpy() < 0) & (docs["kind"].to_numpy() == 0)
    pick = regular & np.isin(b, ["steady", "irregular"]) & (rng.random(len(docs)) < _RETURN_SHARE)
    returns = docs.loc[pick].copy()
    returns["day"] = _no_sundays(returns["day"].to_numpy() + rng.integers(3, 21, len(returns)), cal)
    returns["target"] = -returns["target"].to_numpy() * rng.uniform(0.05, 0.25, len(returns))
    returns["kind"] = np.int8(1)
    returns = returns[returns["day"] <= cal.last_day]
    pick = regular & np.isin(b, ["steady", "irregular", "declining", "churned"]) & (
        rng.random(len(docs)) < _CANCELLED_SHARE)
    cancelled = docs.loc[pick].copy()
    cancelled["cancelled"] = True
    cancelled["target"] = cancelled["target"].to_numpy() * rng.uniform(0.8, 1.2, len(cancelled))
    out = pd.concat([docs, returns, cancelled], ignore_index=True)
    out["second"] = rng.integers(8 * 3600, 20 * 3600, len(out))
    out = out.iloc[np.lexsort((out["owner"], out["kind"], out["second"], out["day"]))].reset_index(drop=True)
    year = _year(cal.dates(out["day"].to_numpy()))
    series = out["kind"].to_numpy().astype(np.int64) * 10_000 + year  # numbering restarts each year
    out["number"] = pd.Series(series).groupby(series).cumcount().to_numpy() + 1
    out["year"] = year
    return out


def _created_and_codes(
    rng: np.random.Generator, cust: pd.DataFrame, docs: pd.DataFrame, cal: _Calendar, planted: dict
) -> pd.DataFrame:
    """Creation dates (before the first order; long before the data for old customers) and
    1C codes ``00-000101`` in creation order."""
    out = cust.copy()
    n = len(out)
    activity = (docs["kind"].to_numpy() == 0) & ~docs["cancelled"].to_numpy()
    first, last = _first_last(docs["owner"].to_numpy()[activity], docs["day"].to_numpy()[activity], n)
    buyer = last >= 0
    created = np.where(
        buyer & (first <= 45), -rng.integers(30, 1500, n), np.maximum(0, first - rng.integers(0, 21, n))
    )
    created = np.where(buyer, created, rng.integers(-1000, cal.last_day + 1, n))
    deleted = np.array(list(planted["deleted_of"]), dtype=np.int64)
    originals = np.array(list(planted["deleted_of"].values()), dtype=np.int64)
    created[deleted] = np.minimum(cal.last_day, created[originals] + rng.integers(10, 400, len(deleted)))
    out["created_day"] = created
    out["first_day"] = first
    out["last_day"] = last
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), created))] = np.arange(n)
    out["code"] = "00-" + _digits_text(rank + 101, 6).to_numpy()
    return out


def _acquisition_campaigns(
    rng: np.random.Generator, cust: pd.DataFrame, campaigns: pd.DataFrame, cal: _Calendar
) -> pd.DataFrame:
    """One acquisition campaign per source and calendar year, budget ≈ CAC × new customers.

    Then every campaign gets its 1C code in order of start.
    """
    alive = ~cust["is_deleted"].to_numpy()
    source, created = cust["source"].to_numpy(), cust["created_day"].to_numpy()
    rows = []
    for year in range(cal.start.year, cal.end.year + 1):
        start = max(0, int((np.datetime64(f"{year}-01-01") - cal.origin).astype(np.int64)))
        end = min(cal.last_day, int((np.datetime64(f"{year}-12-31") - cal.origin).astype(np.int64)))
        for s, name in enumerate(_ACQUISITION_NAMES):
            new = int((alive & (source == s) & (created >= start) & (created <= end)).sum())
            budget = max(5_000.0, round(new * _SOURCE_CAC[s] * float(rng.lognormal(0.0, 0.2)), -3))
            rows.append({
                "name": f"{name} {year}", "kind": "acquisition", "channel": _SOURCES[s], "start_day": start,
                "end_day": end, "attribution_end_day": end, "has_control": False, "target_size": 0,
                "control_size": 0, "responders": 0, "effect": np.nan, "cost": budget, "source": s, "year": year,
            })
    acq = pd.DataFrame(rows)
    acq["cid"] = len(campaigns) + np.arange(len(acq))
    out = pd.concat([campaigns.assign(source=-1, year=0), acq], ignore_index=True)
    out = out.sort_values(["start_day", "name"], kind="stable").reset_index(drop=True)
    out["code"] = "00-" + _digits_text(np.arange(1, len(out) + 1), 6).to_numpy()
    return out


def _leads(
    rng: np.random.Generator, cust: pd.DataFrame, docs: pd.DataFrame, campaigns: pd.DataFrame, cal: _Calendar
) -> pd.DataFrame:
    """Leads: most customers acquired inside the data came from one (converted), plus ~1.6
    unconverted leads per converted one; most carry their source's acquisition campaign."""
    alive = ~cust["is_deleted"].to_numpy()
    source = cust["source"].to_numpy()
    created = cust["created_day"].to_numpy()
    came = np.flatnonzero(alive & (source >= 0) & (created >= 0) & (rng.random(len(cust)) < 0.85))
    lead_day = np.maximum(0, created[came] - rng.integers(1, 31, len(came)))
    first = cust["first_day"].to_numpy()[came]
    converted = np.where(first >= 0, first, created[came])
    n_open = round(1.6 * len(came))
    open_source = rng.choice(len(_SOURCES), n_open, p=_SOURCE_WEIGHTS)
    open_day = rng.integers(0, cal.last_day + 1, n_open)
    frame = pd.DataFrame({
        "day": np.concatenate([lead_day, open_day]), "source": np.concatenate([source[came], open_source]),
        "owner": np.concatenate([came, np.full(n_open, -1)]),
        "converted_day": np.concatenate([converted, np.full(n_open, -1)]),
    })
    year = _year(cal.dates(frame["day"].to_numpy()))
    acq = campaigns[campaigns["kind"] == "acquisition"]
    code = pd.Series(acq["code"].to_numpy(), index=pd.MultiIndex.from_arrays([acq["source"], acq["year"]]))
    found = code.reindex(pd.MultiIndex.from_arrays([frame["source"], year])).to_numpy()
    frame["campaign_code"] = pd.Series(found, dtype="str").where(rng.random(len(frame)) < 0.9).to_numpy()
    frame = frame.iloc[np.lexsort((np.arange(len(frame)), frame["day"]))].reset_index(drop=True)
    frame["code"] = "00-" + _digits_text(np.arange(1, len(frame) + 1), 6).to_numpy()
    return frame


# --- ground truth ---------------------------------------------------------------------

_RULES = ("inn_kpp", "phone", "email", "name")


def _verified_truth(cust: pd.DataFrame, contacts: pd.DataFrame, planted: dict) -> dict[str, pd.DataFrame]:
    """The audit's answers computed from the generated cards with `identifiers`, checked
    against what `_plant` meant to plant; any accidental duplicate is a generator bug."""
    problems: list[str] = []
    alive = ~cust["is_deleted"].to_numpy()
    code = cust["code"].to_numpy()
    keys = _keys(cust)

    # duplicates: connected components over the rules, among cards not marked for deletion
    n = len(cust)
    hits = {}
    sources, targets = [], []
    for rule in _RULES:
        key = keys[rule].where(alive)
        hit = (key.notna() & key.duplicated(keep=False)).to_numpy()
        hits[rule] = hit
        rows = np.flatnonzero(hit)
        groups = pd.Series(rows).groupby(pd.factorize(key.iloc[rows])[0]).transform("first").to_numpy()
        sources.append(rows)
        targets.append(groups)
    src, dst = np.concatenate(sources), np.concatenate(targets)
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    member = np.logical_or.reduce([hits[r] for r in _RULES])
    found = {frozenset(g) for g in pd.Series(np.flatnonzero(member)).groupby(label[member]).agg(frozenset)}
    meant = {frozenset(int(x) for x in g) for g in planted["duplicates"]}
    if found != meant:
        extra = sorted(code[list(set().union(*(found - meant)))]) if found - meant else []
        missed = sorted(code[list(set().union(*(meant - found)))]) if meant - found else []
        problems.append(f"duplicate groups differ from the planted ones: unplanted {extra[:10]}, missed {missed[:10]}")
    rows = np.flatnonzero(member)
    rule = pd.Series([""] * len(rows), dtype="str")
    for r in _RULES:
        rule = rule + np.where(hits[r][rows], "|" + r, "")
    dup = pd.DataFrame({"label": label[rows], "customer_id": code[rows], "rule": rule.str[1:].to_numpy()})
    dup = dup.sort_values("customer_id", kind="stable")
    order = dup.groupby("label", sort=False)["customer_id"].transform("min")
    group_no = pd.factorize(order.sort_values(kind="stable"))[0]
    dup = dup.loc[order.sort_values(kind="stable").index].assign(group_no=group_no)
    dup["group_id"] = "G" + _digits_text(dup["group_no"].to_numpy() + 1, 4).to_numpy()
    duplicates = dup[["group_id", "customer_id", "rule"]].reset_index(drop=True)

    # branches: one valid ИНН under several КПП
    inn, kpp = cust["inn"], cust["kpp"]
    valid = inn.notna() & identifiers.inn_problems(inn).isna() & pd.Series(alive)
    kinds = pd.DataFrame({"inn": inn, "kpp": kpp.fillna("")})[valid]
    several = kinds.groupby("inn")["kpp"].transform("nunique") > 1
    branch_rows = kinds.index[several.to_numpy()]
    found_b = {frozenset(g) for g in pd.Series(branch_rows).groupby(inn[branch_rows].to_numpy()).agg(frozenset)}
    meant_b = {frozenset(int(x) for x in g) for g in planted["branches"]}
    if found_b != meant_b:
        problems.append("branches differ from the planted ones")
    branches = pd.DataFrame({"inn": inn[branch_rows].to_numpy(), "customer_id": code[branch_rows],
                             "kpp": kpp[branch_rows].to_numpy()}).sort_values(["inn", "customer_id"])

    # invalid ИНН and КПП
    inn_bad = identifiers.inn_problems(inn)
    kpp_bad = identifiers.kpp_problems(kpp, inn)
    parts = []
    for field, bad, value in (("inn", inn_bad, inn), ("kpp", kpp_bad, kpp)):
        rows = np.flatnonzero((bad.notna() & pd.Series(alive)).to_numpy())
        parts.append(pd.DataFrame({"pos": rows, "customer_id": code[rows], "field": field,
                                   "value": value.iloc[rows].to_numpy(), "problem": bad.iloc[rows].to_numpy()}))
    invalid = pd.concat(parts, ignore_index=True)
    meant_i = set(map(tuple, planted["invalid"][["pos", "field", "problem"]].to_numpy().tolist()))
    if set(map(tuple, invalid[["pos", "field", "problem"]].to_numpy().tolist())) != meant_i:
        problems.append("invalid ИНН/КПП differ from the planted ones")
    invalid = invalid.drop(columns="pos").sort_values(["customer_id", "field"]).reset_index(drop=True)

    # what else must hold: exact names distinct (orders refer to them); contacts' phones
    # and emails nobody else has; every deleted card looks like a duplicate of a live one
    if cust["name"].duplicated().any():
        problems.append(f"names repeat: {cust['name'][cust['name'].duplicated()].head().tolist()}")
    for field, normalise in (("phone", identifiers.normalize_phones), ("email", identifiers.normalize_emails)):
        theirs = normalise(contacts[field]).dropna()
        if theirs.duplicated().any() or theirs.isin(keys[field].dropna()).any():
            problems.append(f"a contact person's {field} repeats another card's or contact's")
    deleted = np.flatnonzero(~alive)
    # a deleted card's key must be some live card's key, by at least one rule (vectorised:
    # the deleted cards are a share of the base, so a loop over them would be quadratic)
    like_live = np.zeros(len(deleted), dtype=bool)
    for r in _RULES:
        like_live |= keys[r].iloc[deleted].isin(keys[r][alive].dropna()).to_numpy()
    for pos in deleted[~like_live]:
        problems.append(f"deleted card {code[pos]} looks like nobody")
    if problems:
        raise RuntimeError("demo generator bug: " + "; ".join(problems))

    # missing fields of live cards
    reachable = pd.concat([contacts["phone"], contacts["email"]]).notna().groupby(
        pd.concat([contacts["owner"], contacts["owner"]])).any()
    by_contact = reachable.reindex(range(n), fill_value=False).to_numpy()
    empty = {
        "manager": cust["manager"].to_numpy() < 0, "source": cust["source"].to_numpy() < 0,
        "category": cust["category"].to_numpy() < 0, "region": ~cust["region_known"].to_numpy(),
        "phone": cust["phone"].isna().to_numpy(), "email": cust["email"].isna().to_numpy(),
        "inn": (cust["ctype"].to_numpy() == _COMPANY) & cust["inn"].isna().to_numpy(),
    }
    empty["contact_info"] = empty["phone"] & empty["email"] & ~by_contact
    missing = pd.concat(
        [pd.DataFrame({"customer_id": code[m & alive], "field": f}) for f, m in empty.items()], ignore_index=True
    ).sort_values(["customer_id", "field"], kind="stable").reset_index(drop=True)

    customers = pd.DataFrame({
        "customer_id": code, "name": cust["name"].to_numpy(),
        "customer_type": np.array(_TYPE_CODES)[cust["ctype"].to_numpy()],
        "behaviour": cust["behaviour"].to_numpy(), "is_deleted": ~alive,
        "manager": _labels(cust["manager"].to_numpy(), _MANAGERS),
        "source": _labels(cust["source"].to_numpy(), _SOURCES),
    }).sort_values("customer_id").reset_index(drop=True)
    return {"customers": customers, "duplicates": duplicates, "branches": branches.reset_index(drop=True),
            "invalid_ids": invalid, "missing_fields": missing}


def _keys(cust: pd.DataFrame) -> dict[str, pd.Series]:
    """The audit's match keys per card (REFERENCE.md "Base audit")."""
    return {
        "inn_kpp": (cust["inn"] + "/" + cust["kpp"].fillna("")).where(cust["inn"].notna()),
        "phone": identifiers.normalize_phones(cust["phone"]),
        "email": identifiers.normalize_emails(cust["email"]),
        "name": identifiers.normalize_names(cust["name"]),
    }


def _labels(index: np.ndarray, labels: tuple[str, ...]) -> pd.Series:
    """Labels by position, NA for -1."""
    values = np.array(labels, dtype=object)[np.maximum(index, 0)]
    return pd.Series(values, dtype="str").where(index >= 0)


# --- rendering and writing ------------------------------------------------------------


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
        }).astype({k: "str" for k in ("customer_id", "name", "inn", "kpp", "customer_type", "manager", "source",
                                      "category", "region", "email", "phone")}),
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
    return counts


# products of each group by the least amount one can buy (price × step), for the choice of a
# product that fits a line's amount
_PRODUCT_PRICE = np.array([p for _, _, p, _ in _PRODUCTS])
_PRODUCT_STEP = np.array([s for _, _, _, s in _PRODUCTS], dtype=float)
_PRODUCT_NAME = np.array([name for _, name, _, _ in _PRODUCTS], dtype=object)
_PRODUCT_IDS = pa.array(_PRODUCT_NAME, type=pa.string())
_STATUS_TEXT = pa.array(["posted", "cancelled"], type=pa.string())  # by the cancelled flag
_PRODUCT_COST_RATIO = 0.60 + 0.25 * ((np.arange(len(_PRODUCTS)) * 37) % 61) / 60  # 0.60-0.85, fixed per product
_GROUP_MEMBERS = tuple(
    np.array(sorted((i for i, p in enumerate(_PRODUCTS) if p[0] == g), key=lambda i: _PRODUCTS[i][2] * _PRODUCTS[i][3]))
    for g in range(len(_GROUPS))
)


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


def _write_truth(world: _World, folder: Path, counts: dict, arguments: dict) -> None:
    cal, truth = world.cal, world.truth
    for table in ("customers", "duplicates", "branches", "invalid_ids", "missing_fields"):
        _write_table(truth[table], folder / f"{table}.csv", "canonical")
    camps = world.campaigns
    cid = camps["cid"].to_numpy()
    controlled = camps["kind"].to_numpy() != "acquisition"
    effect = camps["effect"].to_numpy(dtype=float)
    campaigns = pd.DataFrame({
        "campaign_id": camps["code"], "name": camps["name"], "kind": camps["kind"], "channel": camps["channel"],
        "has_control": camps["has_control"].astype(bool), "target_size": camps["target_size"].astype("int64"),
        "control_size": camps["control_size"].astype("int64"), "responders": camps["responders"].astype("int64"),
        "true_effect_per_target_member": np.round(effect, 2),
        "true_incremental_revenue": np.round(effect * camps["target_size"].to_numpy(), 2),
        "planted_incremental_revenue": np.where(controlled, np.round(counts["planted"][cid], 2), np.nan),
        "planted_incremental_revenue_to_as_of": np.where(controlled, np.round(counts["planted_as_of"][cid], 2), np.nan),
        "start_date": _dates(camps["start_day"].to_numpy(), cal).dt.strftime("%Y-%m-%d"),
        "end_date": _dates(camps["end_day"].to_numpy(), cal).dt.strftime("%Y-%m-%d"),
        "attribution_end": _dates(camps["attribution_end_day"].to_numpy(), cal).dt.strftime("%Y-%m-%d").where(
            controlled),
        "cost": camps["cost"].astype(float),
    })
    _write_table(campaigns, folder / "campaigns.csv", "canonical")
    manifest = {
        "generator": "clientbase.demo", "seed": arguments["seed"], "arguments": arguments,
        "as_of": cal.as_of.date().isoformat(), "start": cal.start.date().isoformat(),
        "end": cal.end.date().isoformat(),
        "counts": {"customers": len(world.customers), "contacts": len(world.contacts),
                   "documents": counts["documents"], "order_lines": counts["order_lines"],
                   "campaigns": len(camps), "campaign_members": len(world.members), "leads": len(world.leads)},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


