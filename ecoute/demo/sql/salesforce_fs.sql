-- The demo's appointments as a Salesforce Field Service ServiceAppointment export made with
-- Data Loader (Export, CSV): field API names as headers in upper case, every value quoted,
-- date-times in UTC as 2026-06-15T07:00:00.000Z, checkboxes true/false. Standard fields from
-- the ServiceAppointment object reference; the custom fields (__C) are the ones the pack's
-- README asks an operator to add. Reads _canon_appointments (instants as TIMESTAMPTZ).
select
    '08p' || lpad(appointment_id, 15, '0') as "ID",
    appointment_id as "APPOINTMENTNUMBER",
    customer_id as "ACCOUNT.ACCOUNTNUMBER",
    ticket_id as "TICKET_NUMBER__C",
    iso_ms(booked_at) as "CREATEDDATE",
    iso_ms(window_start) as "ARRIVALWINDOWSTARTTIME",
    iso_ms(window_end) as "ARRIVALWINDOWENDTIME",
    iso_ms(window_start) as "SCHEDSTARTTIME",
    iso_ms(window_end) as "SCHEDENDTIME",
    iso_ms(arrived_at) as "ACTUALSTARTTIME",
    iso_ms(completed_at) as "ACTUALENDTIME",
    case status
        when 'Planifié' then 'Scheduled'
        when 'Terminé' then 'Completed'
        when 'Non venu' then 'Cannot Complete'
        when 'Client absent' then 'Cannot Complete'
        when 'Annulé par opérateur' then 'Canceled'
        when 'Annulé par client' then 'Canceled'
        else status end as "STATUS",
    case status when 'Annulé par opérateur' then 'Operator'
        when 'Annulé par client' then 'Customer' end as "CANCELED_BY__C",
    iso_ms(cancelled_at) as "CANCELED_DATE__C",
    iso_ms(customer_notified_at) as "CUSTOMER_NOTIFIED_DATE__C",
    technician_id as "TECHNICIAN__C",
    case fixed when 'Oui' then 'true' when 'Non' then 'false' else fixed end as "PROBLEM_RESOLVED__C",
    team as "SERVICETERRITORY.NAME"
from _canon_appointments
order by _row
