-- Rule kind outage_tiered (rules.outage_tiered) for every pack rule of that kind, in SQL:
-- period n of a total outage earns max(flat amount, fee / fee_divisor) at the rate in force
-- on the local date it became due; exact arithmetic in micro-units, the total rounded once,
-- half up, to the cent. Text and JSON are the engine's, character for character.
-- The as_of placeholder: the cut-off literal (null::timestamptz without one).
insert into _comp_owed
with incidents as (
    select
        t.*,
        r.pack, r.rule, r.kind, r.currency, r.symbol, r.tz, r.threshold_us,
        case when r.clock_earliest and t.outage_started_at < t.opened_at
             then t.outage_started_at else t.opened_at end as start_at,
        case when r.clock_earliest and t.outage_started_at < t.opened_at
             then 'network outage started' else 'reported' end as start_basis,
        t.restored_at is not null and ({as_of} is null or t.restored_at <= {as_of}) as ended
    from _comp_tickets as t
    cross join _comp_rules as r
    where r.kind = 'outage_tiered'
        and t.loss = 'total'
        and not list_contains(r.excl_loss, t.loss)
        and (t.cause is null or not list_contains(r.excl_cause, t.cause))
        and (t.category is null or not list_contains(r.excl_category, t.category))
        and not coalesce(t.opened_at > {as_of}, false)
),

timed as (
    select
        *,
        case when ended then restored_at else {as_of} end as end_at,
        case when ended then 'restored' else 'not restored as of' end as end_basis,
        epoch_us(case when ended then restored_at else {as_of} end) - epoch_us(start_at) as dur_us
    from incidents
),

long_enough as (
    select * from timed where end_at is not null and dur_us > threshold_us
),

periods as (
    select
        l.*,
        n,
        l.start_at + to_microseconds(
            case when n = 1 then l.threshold_us else (n - 1) * 86400000000 end
        ) as due_at
    from long_enough as l,
        range(1, (l.dur_us + 86399999999) // 86400000000 + 1) as p(n)
),

rated as (
    select
        p.*,
        (p.due_at at time zone p.tz)::date as due_day,
        k.effective_from,
        k.flat, k.flat_text, k.divisor, k.divisor_text
    from periods as p
    left join (
        select pack, rule, effective_from, effective_to,
            max(value) filter (where key = case when n = 1 then 'first_day'
                                                when n = 2 then 'second_day'
                                                else 'further_day' end) as flat,
            max(value_text) filter (where key = case when n = 1 then 'first_day'
                                                     when n = 2 then 'second_day'
                                                     else 'further_day' end) as flat_text,
            max(value) filter (where key = 'fee_divisor') as divisor,
            max(value_text) filter (where key = 'fee_divisor') as divisor_text,
            n
        from _comp_rates, range(1, 4) as s(n)
        group by pack, rule, effective_from, effective_to, n
    ) as k
        on k.pack = p.pack and k.rule = p.rule and k.n = least(p.n, 3)
        and k.effective_from <= (p.due_at at time zone p.tz)::date
        and (k.effective_to is null or (p.due_at at time zone p.tz)::date < k.effective_to)
),

amounts as (
    select
        *,
        -- floor = fee / divisor, kept as the fraction fee_u / div_u (both in micro-units)
        comp_micro(monthly_fee) as fee_u,
        comp_micro(divisor) as div_u,
        monthly_fee is not null
            and comp_micro(monthly_fee) > comp_micro(flat) * divisor as floor_wins
    from rated
),

worded as (
    select
        *,
        comp_half_even(comp_micro(flat), 10000) as flat_cents,
        comp_half_even(fee_u * 100, div_u) as floor_cents,
        comp_half_even(fee_u * 10000, div_u) as floor_4
    from amounts
),

described as (
    select
        *,
        case when effective_from is null
            then 'period ' || n || ' due ' || due_day || ': scheme not yet in force'
            else 'period ' || n || ' due ' || due_day || ': max('
                || comp_money(flat_cents, symbol, currency) || ' flat, '
                || case when monthly_fee is null then 'no monthly fee known'
                        else '1/' || divisor_text || ' of fee '
                            || comp_money(comp_half_even(comp_micro(monthly_fee), 10000),
                                          symbol, currency)
                            || ' = ' || comp_money(floor_cents, symbol, currency) end
                || ') = ' || comp_money(case when floor_wins then floor_cents else flat_cents end,
                                        symbol, currency)
                || ' (rate from ' || effective_from || ')'
        end as words,
        case when monthly_fee is null then null
             else (floor_4 // 10000)::varchar || '.' || lpad((floor_4 % 10000)::varchar, 4, '0')
        end as floor_text
    from worded
),

period_json as (
    select
        *,
        case when effective_from is null
            then json_object('period', n, 'due_at', comp_iso(due_at),
                             'accrual_date', due_day::varchar, 'words', words)
            else json_object('period', n, 'due_at', comp_iso(due_at),
                             'accrual_date', due_day::varchar, 'flat', flat_text,
                             'floor', floor_text,
                             'amount', case when floor_wins then floor_text else flat_text end,
                             'rate_from', effective_from::varchar, 'words', words)
        end as period
    from described
),

totals as (
    -- one row per ticket and rule; the rest is the same on each of its periods
    select
        incident_id, pack, rule,
        any_value(customer_id) as customer_id, any_value(kind) as kind,
        any_value(currency) as currency, any_value(symbol) as symbol, any_value(tz) as tz,
        any_value(monthly_fee) as monthly_fee, any_value(start_at) as start_at,
        any_value(start_basis) as start_basis, any_value(end_at) as end_at,
        any_value(end_basis) as end_basis, any_value(ended) as ended,
        any_value(dur_us) as dur_us,
        max(n) as periods_n,
        -- exact total = flat micro-units + k fee / divisor; one divisor per incident's periods
        -- that let the floor win (a rate change of the divisor would need one per period)
        sum(case when effective_from is not null and not floor_wins then comp_micro(flat)
                 else 0 end)
            as flat_u,
        count(*) filter (where effective_from is not null and floor_wins) as floor_k,
        case when count(distinct div_u) filter (where floor_wins) > 1
             then error('outage_tiered: fee_divisor changes within one outage')
             else max(div_u) filter (where floor_wins) end as div_u,
        max(fee_u) as fee_u,
        min(due_day) filter (where effective_from is not null) as accrued_date,
        string_agg(words, '; ' order by n) as words,
        list(period order by n) as periods
    from period_json
    group by incident_id, pack, rule
),

owed as (
    select
        *,
        -- total in micro-units times the divisor, over the divisor
        flat_u * coalesce(div_u, 1) + floor_k * coalesce(fee_u, 0) * 1000000 as num_u,
        coalesce(div_u, 1) as den_u,
        -- duration_h as the engine rounds it: to 4 decimals (0.36 s), ties to even
        comp_half_even(dur_us::hugeint, 360000) as dur_4
    from totals
)

select
    customer_id,
    incident_id,
    'ticket',
    rule,
    pack,
    comp_cents(comp_half_up(num_u * 100, den_u * 1000000)) as amount,
    currency,
    accrued_date,
    pack || '/' || rule || ' for ticket ' || incident_id || ': Total outage from '
        || comp_stamp(start_at, tz) || ' (' || start_basis || ') to ' || comp_stamp(end_at, tz)
        || ' (' || end_basis || '): ' || printf('%.2f', dur_us::double / 3600000000.0) || ' h, '
        || periods_n || ' started 24-hour period(s). ' || words || '. Total '
        || comp_money(comp_half_even(num_u * 100, den_u * 1000000), symbol, currency) || '.',
    json_object(
        'pack', pack, 'rule', rule, 'kind', kind, 'incident_kind', 'ticket',
        'incident_id', incident_id, 'timezone', tz,
        'as_of', case when ended then null else comp_iso({as_of}) end,
        'amount', comp_cents(comp_half_up(num_u * 100, den_u * 1000000))::varchar,
        'currency', currency,
        'start', comp_iso(start_at), 'start_basis', start_basis,
        'end', comp_iso(end_at), 'end_basis', end_basis,
        'duration_h', dur_4::double / 10000,
        'monthly_fee', monthly_fee::varchar,
        'periods', periods
    )::varchar,
    case when ended then null else {as_of} end
from owed
where num_u > 0
