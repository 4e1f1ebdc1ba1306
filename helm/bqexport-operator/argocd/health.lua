-- Argo CD health of a BigQueryExport or BigQueryBackfill, from its kstatus conditions.
local function condition(kind)
  for _, c in ipairs(obj.status.conditions or {}) do
    if c.type == kind then
      return c
    end
  end
  return nil
end
local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return (c.reason or "") .. ": " .. c.message
  end
  return c.reason or ""
end
if obj.status == nil or obj.status.observedGeneration == nil then
  return {status = "Progressing", message = "Waiting for the operator to report status"}
end
local generation = obj.metadata.generation or 0
if obj.status.observedGeneration < generation then
  return {status = "Progressing", message = "Waiting for the operator to observe generation " .. generation}
end
local stalled = condition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  return {status = "Degraded", message = describe(stalled)}
end
local ready = condition("Ready")
if ready ~= nil and ready.status == "False" and ready.reason == "Suspended" then
  return {status = "Suspended", message = describe(ready)}
end
local reconciling = condition("Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  return {status = "Progressing", message = describe(reconciling)}
end
if ready == nil or ready.status == "Unknown" or (ready.observedGeneration or generation) < generation then
  return {status = "Progressing", message = "Waiting for the Ready condition"}
end
if ready.status == "True" then
  return {status = "Healthy", message = describe(ready)}
end
return {status = "Degraded", message = describe(ready)}
