-- The demo's tickets as a ServiceNow incident list export (List → Export → CSV): field names as
-- headers, display values (state "In Progress", priority "3 - Moderate", choice labels),
-- date-times as "yyyy-MM-dd HH:mm:ss" in the exporting user's time zone (the demo's,
-- Europe/Brussels), every value quoted. Reads _canon_tickets; see etl/sources/servicenow/.
select
    ticket_id as number,
    customer_id as "caller_id.user_name",
    local_text(opened_at) as opened_at,
    case status
        when 'open' then 'In Progress'
        when 'pending' then 'On Hold'
        when 'resolved' then 'Resolved'
        when 'closed' then 'Closed'
        when 'cancelled' then 'Canceled'
        else status end as state,
    case category
        when 'internet' then 'Internet'
        when 'fixed_phone' then 'Fixed phone'
        when 'mobile' then 'Mobile'
        when 'tv' then 'TV'
        when 'wifi' then 'Wi-Fi'
        when 'billing' then 'Billing'
        when 'other' then 'Inquiry / Help'
        else category end as category,
    case channel
        when 'phone' then 'Phone'
        when 'email' then 'Email'
        when 'letter' then 'Letter'
        when 'web' then 'Self-service'
        when 'chat' then 'Chat'
        when 'shop' then 'Walk-in'
        when 'field' then 'Field'
        else channel end as contact_type,
    case priority
        when 'critical' then '1 - Critical'
        when 'high' then '2 - High'
        when 'normal' then '3 - Moderate'
        when 'low' then '4 - Low'
        else priority end as priority,
    case service_loss when 'total' then 'Total' when 'partial' then 'Partial'
        when 'none' then 'None' else service_loss end as u_service_loss,
    local_text(restored_at) as u_restored_at,
    local_text(resolved_at) as resolved_at,
    local_text(closed_at) as closed_at,
    cast(reopened_count as varchar) as reopen_count,
    root_cause as close_notes,
    outage_id as u_outage,
    assignment_group,
    local_text(coalesce(closed_at, resolved_at, restored_at, opened_at)) as sys_updated_on
from _canon_tickets
order by _row
