<#import "template.ftl" as layout>
<#import "/arbo-common.ftl" as arbo>
<#-- Sent when an administrator (or provisioning) asks the user to perform required
     actions. With UPDATE_PASSWORD it is the welcome e-mail of a new account: set a
     password, then the extra login code. Otherwise it lists the requested actions. -->
<#outputformat "plainText">
<#assign requiredActionsText><#if requiredActions??><#list requiredActions as action>${msg("requiredAction.${action}")}<#sep>, </#sep></#list></#if></#assign>
</#outputformat>
<@layout.emailLayout>
    <#if arbo.hasAction("UPDATE_PASSWORD")>
        <@layout.paragraph>${msg("arboWelcomeIntro" + arbo.audience(), arbo.brandName())}</@layout.paragraph>
        <@layout.heading msg("arboWelcomeStepsHeading")/>
        <ol style="margin:0 0 12px 0;padding-left:20px;">
            <li style="margin-bottom:6px;">${msg("arboWelcomeStepPassword")}</li>
            <li style="margin-bottom:6px;">${msg("arboWelcomeStepCode" + arbo.audience())}</li>
        </ol>
        <@layout.button href=link label=msg("arboWelcomeLink")/>
    <#else>
        <@layout.paragraph>${msg("arboActionsIntro", arbo.brandName(), requiredActionsText)}</@layout.paragraph>
        <@layout.button href=link label=msg("arboActionsLink")/>
    </#if>

    <@layout.note msg("arboActionsValidity", arbo.linkValidity())/>

    <@layout.heading msg("arboHelpHeading")/>
    <#if arbo.supportEmail()?has_content>
        <@layout.paragraph>${msg("arboActionsHelpText")} ${msg("arboHelpMailUs")} <a href="mailto:${arbo.supportEmail()}" style="color:${layout.primary};">${arbo.supportEmail()}</a>.</@layout.paragraph>
    <#else>
        <@layout.paragraph>${msg("arboActionsHelpText")} ${msg("arboResetHelpSelf")}</@layout.paragraph>
    </#if>
</@layout.emailLayout>
