-- Rows held per entity (the loaded rows, current versions).
select 'customers' as entity, count(*) as rows from raw.customers
union all select 'calls', count(*) from raw.calls
union all select 'tickets', count(*) from raw.tickets
union all select 'appointments', count(*) from raw.appointments
union all select 'messages', count(*) from raw.messages
union all select 'outages', count(*) from raw.outages
union all select 'notifications', count(*) from raw.notifications
